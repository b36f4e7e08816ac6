/**
 * The transport under every resource: URL and auth, JSON in and out, timeouts, and retries of
 * idempotent calls with Retry-After or exponential backoff with jitter.
 */

import { ErrorDeConexion, VetancoError, errorDeRespuesta, retryAfterMs } from "./errors.js";

export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

export interface VetancoClientOptions {
  /** API key (`Authorization: Bearer …`); defaults to the VETANCO_API_KEY environment variable. */
  apiKey?: string | undefined;
  /** Root of the API, e.g. `https://api-vetanco.ejemplo.com`; defaults to VETANCO_BASE_URL. */
  baseUrl?: string | undefined;
  /** Per attempt, response body included. Default 30 000 ms. */
  timeoutMs?: number;
  /** Retries of idempotent calls after a network error, 429 or 5xx. Default 2. */
  maxRetries?: number;
  /** A fetch implementation (tests, proxies, older runtimes). Default: the global fetch. */
  fetch?: FetchLike;
  /** First backoff step; doubles each retry, with jitter. Default 500 ms. */
  retryBaseDelayMs?: number;
  /** No single wait exceeds this; a longer Retry-After is not waited for. Default 60 000 ms. */
  maxRetryDelayMs?: number;
  /** Extra headers sent with every request. */
  headers?: Record<string, string>;
}

/** Per-call overrides, accepted as the last argument of every method. */
export interface RequestOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  maxRetries?: number;
  headers?: Record<string, string>;
}

export type Metodo = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

type Escalar = string | number | boolean | Date;
export type QueryValue = Escalar | readonly Escalar[] | null | undefined;
export type Query = { [name: string]: QueryValue };

export interface Peticion {
  method: Metodo;
  path: string;
  query?: Query | undefined;
  body?: unknown;
  idempotencyKey?: string | undefined;
  opciones?: RequestOptions | undefined;
}

/** A downloaded file (attachments): bytes plus what the server said about them. */
export interface Descarga {
  data: Uint8Array;
  contentType: string | null;
  filename: string | null;
}

const DEFAULT_BASE_URL = "http://localhost:3000";
const IDEMPOTENT: ReadonlySet<Metodo> = new Set(["GET", "PUT", "DELETE"]);
const NULL_BODY: ReadonlySet<number> = new Set([101, 204, 205, 304]);

function env(name: string): string | undefined {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process;
  return proc?.env?.[name];
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function serializar(value: Escalar): string {
  return value instanceof Date ? value.toISOString() : String(value);
}

function filenameDe(disposition: string | null): string | null {
  if (!disposition) return null;
  const star = /filename\*=(?:UTF-8'')?([^;]+)/i.exec(disposition);
  if (star?.[1]) return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ""));
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain?.[1] ?? null;
}

export class Transporte {
  readonly baseUrl: string;
  private readonly apiKey: string;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly fetchImpl: FetchLike;
  private readonly retryBaseDelayMs: number;
  private readonly maxRetryDelayMs: number;
  private readonly headers: Record<string, string>;

  constructor(options: VetancoClientOptions = {}) {
    const apiKey = options.apiKey ?? env("VETANCO_API_KEY");
    if (!apiKey) {
      throw new VetancoError(
        "Falta la API key: pasá { apiKey } o definí la variable VETANCO_API_KEY.",
      );
    }
    const fetchImpl = options.fetch ?? globalThis.fetch?.bind(globalThis);
    if (!fetchImpl) {
      throw new VetancoError("No hay fetch global: pasá { fetch } en las opciones.");
    }
    this.apiKey = apiKey;
    this.baseUrl = (options.baseUrl ?? env("VETANCO_BASE_URL") ?? DEFAULT_BASE_URL).replace(
      /\/+$/,
      "",
    );
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.maxRetries = Math.max(0, options.maxRetries ?? 2);
    this.fetchImpl = fetchImpl;
    this.retryBaseDelayMs = options.retryBaseDelayMs ?? 500;
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 60_000;
    this.headers = { ...(options.headers ?? {}) };
  }

  /** Sends a request and returns the parsed JSON body (undefined for 204). */
  async json<T>(peticion: Peticion): Promise<T> {
    const response = await this.send(peticion);
    const body = await leerCuerpo(response);
    return body as T;
  }

  /** Sends a request and returns the raw bytes, for file downloads. */
  async bytes(peticion: Peticion): Promise<Descarga> {
    const response = await this.send(peticion);
    return {
      data: new Uint8Array(await response.arrayBuffer()),
      contentType: response.headers.get("content-type"),
      filename: filenameDe(response.headers.get("content-disposition")),
    };
  }

  url(path: string, query?: Query): string {
    const url = new URL(this.baseUrl + path);
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value === undefined || value === null) continue;
      const values: readonly Escalar[] = Array.isArray(value) ? value : [value as Escalar];
      for (const item of values) url.searchParams.append(name, serializar(item));
    }
    return url.toString();
  }

  private async send(peticion: Peticion): Promise<Response> {
    const { method, opciones } = peticion;
    const idempotent = IDEMPOTENT.has(method) || peticion.idempotencyKey !== undefined;
    const maxRetries = idempotent ? Math.max(0, opciones?.maxRetries ?? this.maxRetries) : 0;
    const url = this.url(peticion.path, peticion.query);
    const init = this.init(peticion);
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await this.fetchOnce(url, init, opciones);
      } catch (error) {
        if (opciones?.signal?.aborted || attempt >= maxRetries) {
          throw this.conexion(error, method, url);
        }
        await this.wait(this.backoff(attempt), opciones?.signal, method, url);
        continue;
      }
      if (response.ok) {
        return response;
      }
      const retriable = response.status === 429 || response.status >= 500;
      const delay = this.retryDelay(attempt, response.headers);
      if (retriable && attempt < maxRetries && delay !== undefined) {
        await this.wait(delay, opciones?.signal, method, url);
        continue;
      }
      const body = await leerCuerpo(response);
      throw errorDeRespuesta(response.status, body, response.headers);
    }
  }

  private async wait(
    ms: number,
    signal: AbortSignal | undefined,
    method: string,
    url: string,
  ): Promise<void> {
    try {
      await sleep(ms, signal);
    } catch (error) {
      throw this.conexion(error, method, url);
    }
  }

  private init(peticion: Peticion): RequestInit {
    const headers: Record<string, string> = {
      Accept: "application/json",
      ...this.headers,
      ...(peticion.opciones?.headers ?? {}),
      Authorization: `Bearer ${this.apiKey}`,
    };
    if (peticion.idempotencyKey !== undefined) {
      headers["Idempotency-Key"] = peticion.idempotencyKey;
    }
    const init: RequestInit = { method: peticion.method, headers };
    if (peticion.body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(peticion.body);
    }
    return init;
  }

  private async fetchOnce(
    url: string,
    init: RequestInit,
    opciones: RequestOptions | undefined,
  ): Promise<Response> {
    const timeout = AbortSignal.timeout(opciones?.timeoutMs ?? this.timeoutMs);
    const signal = opciones?.signal ? AbortSignal.any([opciones.signal, timeout]) : timeout;
    const response = await this.fetchImpl(url, { ...init, signal });
    if (NULL_BODY.has(response.status)) {
      return response;
    }
    // Read the body under the same deadline, so a stalled body counts as a timeout and retries.
    const buffer = await response.arrayBuffer();
    return new Response(buffer, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  }

  private backoff(attempt: number): number {
    const step = Math.min(this.maxRetryDelayMs, this.retryBaseDelayMs * 2 ** attempt);
    return step / 2 + Math.random() * (step / 2);
  }

  /** Retry-After wins when present (undefined if it exceeds the cap); else backoff. */
  private retryDelay(attempt: number, headers: Headers): number | undefined {
    const after = retryAfterMs(headers.get("retry-after"), Date.now());
    if (after === undefined) return this.backoff(attempt);
    return after <= this.maxRetryDelayMs ? after : undefined;
  }

  private conexion(error: unknown, method: string, url: string): ErrorDeConexion {
    const name = (error as { name?: string } | null)?.name;
    const reason =
      name === "TimeoutError"
        ? "se agotó el tiempo de espera"
        : name === "AbortError"
          ? "la petición fue cancelada"
          : "no se pudo conectar";
    return new ErrorDeConexion(`${method} ${url}: ${reason}`, { cause: error });
  }
}

async function leerCuerpo(response: Response): Promise<unknown> {
  if (NULL_BODY.has(response.status)) return undefined;
  const text = await response.text();
  if (!text) return undefined;
  const type = response.headers.get("content-type") ?? "";
  if (!type.includes("json")) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
