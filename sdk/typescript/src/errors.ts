/**
 * The SDK's errors: one class per HTTP status family, with the same Spanish names as the
 * Python SDK, so integrators catch `NoEncontrado` instead of comparing status codes.
 */

/** One entry of `details` in the API's error body: where (loc), what (msg), which kind (type). */
export interface DetalleDeError {
  loc?: (string | number)[];
  msg?: string;
  type?: string | null;
  [extra: string]: unknown;
}

/** The body every API error carries: `{"error": code, "message": ..., "details": [...]}`. */
export interface CuerpoDeError {
  error?: string;
  message?: string;
  details?: DetalleDeError[];
  [extra: string]: unknown;
}

export interface OpcionesDeError {
  status?: number | undefined;
  body?: unknown;
  requestId?: string | undefined;
  headers?: Headers | undefined;
  cause?: unknown;
}

/** Base of every error the client throws: status, parsed body and request id when there is one. */
export class VetancoError extends Error {
  readonly status: number | undefined;
  readonly body: unknown;
  readonly requestId: string | undefined;
  readonly headers: Headers | undefined;
  /** The API's stable error code (`not_found`, `validation_error`, …). */
  readonly code: string | undefined;
  readonly detalles: DetalleDeError[];

  constructor(message: string, opciones: OpcionesDeError = {}) {
    super(message, opciones.cause === undefined ? undefined : { cause: opciones.cause });
    this.name = new.target.name;
    this.status = opciones.status;
    this.body = opciones.body;
    this.requestId = opciones.requestId;
    this.headers = opciones.headers;
    const cuerpo = asCuerpo(opciones.body);
    this.code = typeof cuerpo?.error === "string" ? cuerpo.error : undefined;
    this.detalles = Array.isArray(cuerpo?.details) ? cuerpo.details : [];
  }
}

/** 400 (and 422): the server names each offending field in `details[].loc`. */
export class ErrorDeValidacion extends VetancoError {
  /** Offending fields as dotted paths without the location prefix: `cliente.cuit`, `page`. */
  get campos(): string[] {
    return this.detalles.map(campoDe).filter((c): c is string => c !== undefined);
  }
}

/** 401: API key missing, unknown or revoked. */
export class NoAutorizado extends VetancoError {}

/** 403: the key's role may not perform the operation. */
export class Prohibido extends VetancoError {}

/** 404: the resource (or route) does not exist. */
export class NoEncontrado extends VetancoError {}

/** 409: duplicate, reused Idempotency-Key, or a transition the case's state forbids. */
export class Conflicto extends VetancoError {}

/** 429: over the key's rate limit; `retryAfter` is the server's Retry-After in seconds. */
export class LimiteExcedido extends VetancoError {
  readonly retryAfter: number | undefined;

  constructor(message: string, opciones: OpcionesDeError = {}) {
    super(message, opciones);
    const ms = retryAfterMs(opciones.headers?.get("retry-after") ?? null, Date.now());
    this.retryAfter = ms === undefined ? undefined : Math.ceil(ms / 1000);
  }
}

/** 5xx: the server failed; idempotent calls were already retried before this is thrown. */
export class ErrorDelServidor extends VetancoError {}

/** No HTTP response at all: DNS, refused connection, reset, or the client's timeout. */
export class ErrorDeConexion extends VetancoError {}

/** A webhook whose signature, timestamp or headers do not verify. */
export class FirmaInvalida extends VetancoError {}

const LOCATIONS = new Set(["body", "query", "path", "header", "cookie"]);

function campoDe(detalle: DetalleDeError): string | undefined {
  const loc = Array.isArray(detalle.loc) ? [...detalle.loc] : [];
  if (loc.length > 1 && typeof loc[0] === "string" && LOCATIONS.has(loc[0])) {
    loc.shift();
  }
  return loc.length ? loc.join(".") : undefined;
}

function asCuerpo(body: unknown): CuerpoDeError | undefined {
  return body !== null && typeof body === "object" ? (body as CuerpoDeError) : undefined;
}

/** Retry-After as milliseconds from `now`: delta-seconds or an HTTP date; undefined if absent. */
export function retryAfterMs(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === "") {
    return undefined;
  }
  const seconds = Number(value);
  if (Number.isFinite(seconds)) {
    return Math.max(0, seconds * 1000);
  }
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The error class for an HTTP status, built from the response's parsed body and headers. */
export function errorDeRespuesta(status: number, body: unknown, headers: Headers): VetancoError {
  const cuerpo = asCuerpo(body);
  const message =
    typeof cuerpo?.message === "string" ? cuerpo.message : `La API respondió HTTP ${status}`;
  const opciones: OpcionesDeError = {
    status,
    body,
    headers,
    requestId: headers.get("x-request-id") ?? undefined,
  };
  if (status === 400 || status === 422) return new ErrorDeValidacion(message, opciones);
  if (status === 401) return new NoAutorizado(message, opciones);
  if (status === 403) return new Prohibido(message, opciones);
  if (status === 404) return new NoEncontrado(message, opciones);
  if (status === 409) return new Conflicto(message, opciones);
  if (status === 429) return new LimiteExcedido(message, opciones);
  if (status >= 500) return new ErrorDelServidor(message, opciones);
  return new VetancoError(message, opciones);
}
