/** What every test file shares: the live server's address, a client per role, test data. */

import { randomUUID } from "node:crypto";

import { VetancoClient, type CasoCreate, type VetancoClientOptions } from "@vetanco/sdk";

export type Rol = "admin" | "calidad" | "colaborador" | "lectura";

function requerida(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} no está definida: estos tests corren contra un servidor real`);
  }
  return value;
}

export const BASE_URL = requerida("VETANCO_BASE_URL");

export function apiKey(rol: Rol): string {
  return requerida(`VETANCO_API_KEY_${rol.toUpperCase()}`);
}

export function cliente(rol: Rol = "admin", extra: VetancoClientOptions = {}): VetancoClient {
  return new VetancoClient({ apiKey: apiKey(rol), baseUrl: BASE_URL, ...extra });
}

/** A marker no other test (or earlier run) uses, to filter lists down to this test's data. */
export function marca(prefijo = "TS"): string {
  return `${prefijo}${randomUUID().replaceAll("-", "").slice(0, 12).toUpperCase()}`;
}

/** A CUIT with a valid check digit, different on every call. */
export function cuitValido(): string {
  const pesos = [5, 4, 3, 2, 7, 6, 5, 4, 3, 2];
  for (;;) {
    const cuerpo = `30${String(Math.floor(Math.random() * 1e8)).padStart(8, "0")}`;
    const suma = [...cuerpo].reduce((acc, d, i) => acc + Number(d) * (pesos[i] ?? 0), 0);
    const dv = 11 - (suma % 11);
    if (dv === 10) continue;
    return `${cuerpo.slice(0, 2)}-${cuerpo.slice(2)}-${dv === 11 ? 0 : dv}`;
  }
}

/** A reclamo `menor` (resolvable without an investigation) for lot `lote`. */
export function nuevoReclamo(lote: string, cambios: Partial<CasoCreate> = {}): CasoCreate {
  return {
    tipo_caso: "reclamo",
    criticidad: "menor",
    canal: "telefono",
    cliente: {
      nombre_apellido: "Juan Pérez",
      razon_social: `Agropecuaria ${lote} SA`,
      cuit: cuitValido(),
      telefono: "11-5555-1234",
      email: "juan@ejemplo.com",
    },
    producto: {
      nombre_producto: "Vetancilina 100ml",
      presentacion: "Frasco",
      numero_lote: lote,
      estado_producto: "usado",
      cantidad_afectada: 10,
      unidad_medida: "frascos",
    },
    descripcion: {
      que_sucedio: `Frascos con sedimento en el lote ${lote} (${randomUUID()})`,
      donde_ocurrio: "Establecimiento Las Rosas",
    },
    ...cambios,
  };
}
