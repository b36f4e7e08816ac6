/** `VetancoClient`: one object per API key, with a property per resource. */

import {
  Transporte,
  type Metodo,
  type Query,
  type RequestOptions,
  type VetancoClientOptions,
} from "./http.js";
import { Casos } from "./resources/casos.js";
import { Conversaciones, Reten } from "./resources/conversaciones.js";
import {
  ApiKeys,
  Clientes,
  Colaboradores,
  EstadisticasRecurso,
  Investigaciones,
  Senales,
} from "./resources/otros.js";
import { Recurso } from "./resources/base.js";
import { Webhooks } from "./resources/webhooks.js";

/** Liveness and readiness, for deploy checks; a not-ready server throws ErrorDelServidor (503). */
export class Salud extends Recurso {
  vivo(opciones?: RequestOptions): Promise<{ status: string }> {
    return this.http.json({ method: "GET", path: "/healthz", opciones });
  }

  listo(opciones?: RequestOptions): Promise<{ status: string; database: string }> {
    return this.http.json({ method: "GET", path: "/readyz", opciones });
  }
}

export interface PeticionLibre {
  query?: Query;
  body?: unknown;
  idempotencyKey?: string;
  opciones?: RequestOptions;
}

export class VetancoClient {
  readonly casos: Casos;
  readonly investigaciones: Investigaciones;
  readonly clientes: Clientes;
  readonly estadisticas: EstadisticasRecurso;
  readonly senales: Senales;
  readonly colaboradores: Colaboradores;
  readonly apiKeys: ApiKeys;
  readonly webhooks: Webhooks;
  readonly conversaciones: Conversaciones;
  readonly reten: Reten;
  readonly salud: Salud;
  private readonly http: Transporte;

  constructor(options: VetancoClientOptions = {}) {
    this.http = new Transporte(options);
    this.casos = new Casos(this.http);
    this.investigaciones = new Investigaciones(this.http);
    this.clientes = new Clientes(this.http);
    this.estadisticas = new EstadisticasRecurso(this.http);
    this.senales = new Senales(this.http);
    this.colaboradores = new Colaboradores(this.http);
    this.apiKeys = new ApiKeys(this.http);
    this.webhooks = new Webhooks(this.http);
    this.conversaciones = new Conversaciones(this.http);
    this.reten = new Reten(this.http);
    this.salud = new Salud(this.http);
  }

  get baseUrl(): string {
    return this.http.baseUrl;
  }

  /** Any endpoint by path, with the same auth, retries and errors: for routes newer than the SDK. */
  request<T = unknown>(method: Metodo, path: string, peticion: PeticionLibre = {}): Promise<T> {
    return this.http.json<T>({ method, path, ...peticion });
  }
}
