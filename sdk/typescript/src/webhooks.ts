/**
 * Verification of the webhooks Vetanco sends: Standard Webhooks (webhook-id, webhook-timestamp,
 * webhook-signature "v1,<base64 HMAC-SHA256>") with a `whsec_<base64>` secret, and the simpler
 * `X-Vetanco-Signature: sha256=<hex>` header for receivers that cannot do the former.
 */

import { createHmac, timingSafeEqual } from "node:crypto";

import { FirmaInvalida } from "./errors.js";

/** Node's IncomingHttpHeaders, a fetch Headers, or a plain object: names are case-insensitive. */
export type CabecerasWebhook =
  | Headers
  | { [name: string]: string | readonly string[] | undefined | null };

export interface OpcionesVerificacion {
  /** Accepted clock difference either way; Standard Webhooks uses 5 minutes. */
  toleranciaSegundos?: number;
  /** The current time, for tests and replays of stored deliveries. */
  ahora?: Date;
}

const PREFIJO = "whsec_";
const TOLERANCIA_SEGUNDOS = 5 * 60;
const encoder = new TextEncoder();

function cabecera(headers: CabecerasWebhook, name: string): string | undefined {
  if (typeof (headers as Headers).get === "function") {
    return (headers as Headers).get(name) ?? undefined;
  }
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== wanted || value === undefined || value === null) continue;
    return typeof value === "string" ? value : value.join(", ");
  }
  return undefined;
}

function bytesDe(body: string | Uint8Array): Uint8Array {
  return typeof body === "string" ? encoder.encode(body) : body;
}

/** The HMAC key of a `whsec_<base64>` secret (raw bytes are used as they are). */
function claveDe(secret: string | Uint8Array): Uint8Array {
  if (typeof secret !== "string") return secret;
  const encoded = secret.startsWith(PREFIJO) ? secret.slice(PREFIJO.length) : secret;
  const key = Buffer.from(encoded, "base64");
  if (key.length === 0) {
    throw new FirmaInvalida("El secreto del webhook está vacío o no es base64 (whsec_…).");
  }
  return key;
}

function iguales(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function parsear(body: string | Uint8Array): unknown {
  const text = typeof body === "string" ? body : Buffer.from(body).toString("utf8");
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new FirmaInvalida("La firma es válida pero el cuerpo no es JSON.", { cause: error });
  }
}

/**
 * Checks a delivery against its endpoint's secret and returns the parsed event. Pass the raw
 * body exactly as received (not re-serialized JSON). During a rotation the server signs with
 * both secrets, so verifying with either one succeeds.
 */
export function verificarWebhook<T = unknown>(
  body: string | Uint8Array,
  headers: CabecerasWebhook,
  secret: string | Uint8Array,
  opciones: OpcionesVerificacion = {},
): T {
  const id = cabecera(headers, "webhook-id");
  const timestamp = cabecera(headers, "webhook-timestamp");
  const signatures = cabecera(headers, "webhook-signature");
  if (!id || !timestamp || !signatures) {
    throw new FirmaInvalida(
      "Faltan las cabeceras webhook-id, webhook-timestamp o webhook-signature.",
    );
  }
  if (!/^\d+$/.test(timestamp.trim())) {
    throw new FirmaInvalida("webhook-timestamp no es un número de segundos.");
  }
  const seconds = Number(timestamp.trim());
  const now = Math.floor((opciones.ahora ?? new Date()).getTime() / 1000);
  const tolerance = opciones.toleranciaSegundos ?? TOLERANCIA_SEGUNDOS;
  if (seconds < now - tolerance) {
    throw new FirmaInvalida(
      "El webhook es demasiado viejo (webhook-timestamp fuera de tolerancia).",
    );
  }
  if (seconds > now + tolerance) {
    throw new FirmaInvalida("webhook-timestamp está en el futuro (fuera de tolerancia).");
  }
  const expected = createHmac("sha256", claveDe(secret))
    .update(encoder.encode(`${id}.${seconds}.`))
    .update(bytesDe(body))
    .digest();
  for (const versioned of signatures.trim().split(/\s+/)) {
    const [version, signature] = versioned.split(",", 2);
    if (version !== "v1" || !signature) continue;
    if (iguales(expected, Buffer.from(signature, "base64"))) {
      return parsear(body) as T;
    }
  }
  throw new FirmaInvalida("Ninguna firma de webhook-signature coincide con el secreto.");
}

/**
 * Checks only `X-Vetanco-Signature: sha256=<hex HMAC of the body>`, keyed with the secret string
 * itself. It carries no timestamp, so it cannot stop replays: prefer `verificarWebhook`.
 */
export function verificarFirmaSimple<T = unknown>(
  body: string | Uint8Array,
  headers: CabecerasWebhook,
  secret: string,
): T {
  const header = cabecera(headers, "x-vetanco-signature")?.trim();
  if (!header?.startsWith("sha256=")) {
    throw new FirmaInvalida("Falta la cabecera X-Vetanco-Signature (sha256=…).");
  }
  const hex = header.slice("sha256=".length);
  const expected = createHmac("sha256", secret).update(bytesDe(body)).digest();
  if (!/^[0-9a-f]+$/i.test(hex) || !iguales(expected, Buffer.from(hex, "hex"))) {
    throw new FirmaInvalida("X-Vetanco-Signature no coincide con el secreto.");
  }
  return parsear(body) as T;
}
