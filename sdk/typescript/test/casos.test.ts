/** Casos, investigaciones and the spec's snippet, against the live server. */

import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { describe, test } from "node:test";

import type { CasoListItem } from "@vetanco/sdk";

import { cliente, marca, nuevoReclamo } from "./helpers.js";

const admin = cliente("admin");
const calidad = cliente("calidad");

describe("casos", () => {
  test("create returns the new number and get returns the same case", async () => {
    const lote = marca("L");
    const creado = await admin.casos.create(nuevoReclamo(lote));
    assert.equal(creado.status, "success");
    assert.match(creado.caso.numero_caso, /^VET-\d{4}-\d{5,}$/);

    const { caso } = await admin.casos.get(creado.caso.numero_caso);
    assert.equal(caso.numero_caso, creado.caso.numero_caso);
    assert.equal(caso.tipo_caso, "reclamo");
    assert.equal(caso.criticidad, "menor");
    assert.equal(caso.estado, "nuevo");
    assert.equal(caso.productos_afectados[0]?.numero_lote, lote);
  });

  test("the same Idempotency-Key returns the first case instead of a second one", async () => {
    const lote = marca("L");
    const body = nuevoReclamo(lote);
    const idempotencyKey = randomUUID();
    const primero = await admin.casos.create(body, { idempotencyKey });
    const segundo = await admin.casos.create(body, { idempotencyKey });
    assert.equal(segundo.caso.numero_caso, primero.caso.numero_caso);
    const { pagination } = await admin.casos.list({ numero_lote: lote });
    assert.equal(pagination.total, 1);
  });

  test("export returns the filtered cases as CSV or XLSX", async () => {
    const lote = marca("L");
    const creado = await admin.casos.create(nuevoReclamo(lote));
    const csv = await admin.casos.export({ numero_lote: lote });
    assert.match(csv.contentType ?? "", /^text\/csv/);
    assert.match(csv.filename ?? "", /^casos-.*\.csv$/);
    const filas = new TextDecoder().decode(csv.data).trim().split(/\r?\n/);
    assert.equal(filas.length, 2);
    assert.ok(filas[1]?.startsWith(`${creado.caso.numero_caso},`));
    const xlsx = await admin.casos.export({ numero_lote: lote, formato: "xlsx" });
    assert.match(xlsx.filename ?? "", /\.xlsx$/);
    assert.equal(new TextDecoder().decode(xlsx.data.subarray(0, 2)), "PK");
  });

  test("list applies the spec's filters and paginates", async () => {
    const lote = marca("L");
    const menor = await admin.casos.create(nuevoReclamo(lote));
    const critico = await admin.casos.create(nuevoReclamo(lote, { criticidad: "critico" }));
    const todos = await admin.casos.list({ numero_lote: lote, tipo_caso: "reclamo" });
    assert.equal(todos.pagination.total, 2);
    const criticos = await admin.casos.list({ numero_lote: lote, criticidad: "critico" });
    assert.deepEqual(
      criticos.data.map((c) => c.numero_caso),
      [critico.caso.numero_caso],
    );
    const pagina2 = await admin.casos.list({
      numero_lote: lote,
      limit: 1,
      page: 2,
      orden: "numero_caso",
    });
    assert.deepEqual(pagina2.pagination, { total: 2, page: 2, limit: 1, total_pages: 2 });
    assert.equal(pagina2.data[0]?.numero_caso, critico.caso.numero_caso);
    const hoy = new Date().toISOString().slice(0, 10);
    const delDia = await admin.casos.list({ numero_lote: lote, fecha_desde: hoy, estado: "nuevo" });
    assert.ok(delDia.data.some((c) => c.numero_caso === menor.caso.numero_caso));
  });

  test("iterAll walks every page, asking for the next one only when needed", async () => {
    const lote = marca("L");
    const numeros: string[] = [];
    for (let i = 0; i < 5; i++) {
      numeros.push((await admin.casos.create(nuevoReclamo(lote))).caso.numero_caso);
    }
    const vistos: CasoListItem[] = [];
    for await (const caso of admin.casos.iterAll({ numero_lote: lote, limit: 2 })) {
      vistos.push(caso);
    }
    assert.deepEqual(vistos.map((c) => c.numero_caso).sort(), [...numeros].sort());

    const primeros: string[] = [];
    for await (const caso of admin.casos.iterAll({ numero_lote: lote, limit: 2 })) {
      primeros.push(caso.numero_caso);
      if (primeros.length === 3) break;
    }
    assert.equal(primeros.length, 3);
  });

  test("clasificar, estado and historial record every step", async () => {
    const creado = await admin.casos.create(
      nuevoReclamo(marca("L"), { tipo_caso: null, criticidad: null }),
    );
    const numero = creado.caso.numero_caso;
    const clasificado = await calidad.casos.clasificar(numero, {
      tipo_caso: "reclamo",
      criticidad: "menor",
      justificacion: "justificado",
      motivo: "Confirmado por laboratorio",
    });
    assert.equal(clasificado.status, "success");
    assert.equal(clasificado.caso.tipo_caso, "reclamo");
    assert.equal(clasificado.caso.criticidad, "menor");
    assert.equal(clasificado.caso.justificacion, "justificado");

    const resuelto = await calidad.casos.estado(numero, {
      estado: "resuelto",
      resolucion: "Se reemplazó el lote completo y se compensó al cliente",
    });
    assert.equal(resuelto.caso.estado, "resuelto");

    const historial = await admin.casos.historial(numero);
    assert.equal(historial.numero_caso, numero);
    assert.ok(historial.data.length >= 3, JSON.stringify(historial.data));
  });
});

describe("investigaciones", () => {
  test("iniciar, get and actualizar an investigation", async () => {
    const colaborador = await admin.colaboradores.create({
      nombre: "Dr. Carlos López",
      cargo: "Investigador de Calidad",
    });
    const creado = await admin.casos.create(nuevoReclamo(marca("L"), { criticidad: "mayor" }));
    const numero = creado.caso.numero_caso;
    const iniciada = await calidad.investigaciones.iniciar(numero, {
      investigador_id: colaborador.colaborador.id,
    });
    assert.equal(iniciada.investigacion.caso_numero, numero);
    assert.equal(iniciada.investigacion.investigador, "Dr. Carlos López");

    const id = iniciada.investigacion.id;
    const actualizada = await calidad.investigaciones.actualizar(id, {
      hallazgos: "Se detectó contaminación en el lote",
      causa_raiz: "Falla en limpieza de tanque de mezclado",
    });
    assert.equal(actualizada.investigacion.id, id);

    const detalle = await admin.investigaciones.get(id);
    assert.equal(detalle.investigacion.causa_raiz, "Falla en limpieza de tanque de mezclado");
    const { caso } = await admin.casos.get(numero);
    assert.equal(caso.estado, "en_investigacion");
  });
});

test("the spec's snippet, pointed at the live server", async () => {
  const creado = await admin.casos.create(nuevoReclamo(marca("L"), { criticidad: "critico" }));
  const numero = creado.caso.numero_caso;
  const casos = await admin.casos.list({ tipo_caso: "reclamo", criticidad: "critico" });
  assert.ok(casos.data.every((c) => c.tipo_caso === "reclamo" && c.criticidad === "critico"));
  const caso = await admin.casos.get(numero);
  assert.equal(caso.caso.numero_caso, numero);
  await admin.casos.clasificar(numero, {
    tipo_caso: "reclamo",
    criticidad: "mayor",
    justificacion: "justificado",
    motivo: "Confirmado por laboratorio",
  });
  assert.equal((await admin.casos.get(numero)).caso.criticidad, "mayor");
});
