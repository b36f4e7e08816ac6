/** Each error class from real server responses, plus timeouts and retries. */

import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, test } from "node:test";

import {
  Conflicto,
  ErrorDeConexion,
  ErrorDelServidor,
  ErrorDeValidacion,
  LimiteExcedido,
  NoAutorizado,
  NoEncontrado,
  Prohibido,
  VetancoClient,
  VetancoError,
} from "@vetanco/sdk";

import { BASE_URL, apiKey, cliente, cuitValido, marca, nuevoReclamo } from "./helpers.js";

const admin = cliente("admin");

/** A loopback HTTP server whose handler the test decides, for failures the app never produces. */
async function servidor(
  handler: Parameters<typeof createServer>[1],
): Promise<{ url: string; server: Server }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server };
}

function cerrar(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

describe("errors from the live server", () => {
  test("401 NoAutorizado for an unknown key", async () => {
    const client = new VetancoClient({ apiKey: "vk_no_existe", baseUrl: BASE_URL });
    const error = await client.casos.list().catch((e: unknown) => e);
    assert.ok(error instanceof NoAutorizado);
    assert.ok(error instanceof VetancoError);
    assert.equal(error.status, 401);
    assert.equal(error.code, "unauthorized");
    assert.deepEqual(error.body, {
      error: "unauthorized",
      message: "API key inválida o faltante.",
      details: [],
    });
  });

  test("403 Prohibido when the lectura key tries to create a case", async () => {
    const error = await cliente("lectura")
      .casos.create(nuevoReclamo(marca("L")))
      .catch((e: unknown) => e);
    assert.ok(error instanceof Prohibido, String(error));
    assert.equal(error.status, 403);
    assert.match(error.message, /lectura/);
  });

  test("404 NoEncontrado for a case that does not exist", async () => {
    const error = await admin.casos.get("VET-1999-99999").catch((e: unknown) => e);
    assert.ok(error instanceof NoEncontrado);
    assert.equal(error.status, 404);
    assert.equal(error.code, "not_found");
  });

  test("400 ErrorDeValidacion names the offending fields", async () => {
    const body = nuevoReclamo(marca("L"));
    body.cliente.cuit = "30-12345678-0";
    body.descripcion.que_sucedio = "";
    const error = await admin.casos.create(body).catch((e: unknown) => e);
    assert.ok(error instanceof ErrorDeValidacion, String(error));
    assert.equal(error.status, 400);
    assert.equal(error.code, "validation_error");
    assert.ok(error.campos.includes("cliente.cuit"), error.campos.join());
    assert.ok(error.campos.includes("descripcion.que_sucedio"), error.campos.join());

    const query = await admin.casos.list({ limit: 1000 }).catch((e: unknown) => e);
    assert.ok(query instanceof ErrorDeValidacion);
    assert.deepEqual(query.campos, ["limit"]);
  });

  test("409 Conflicto for an API key name that already exists", async () => {
    const name = marca("ts-key-").toLowerCase();
    await admin.apiKeys.create({ name, role: "lectura" });
    const error = await admin.apiKeys.create({ name, role: "lectura" }).catch((e: unknown) => e);
    assert.ok(error instanceof Conflicto, String(error));
    assert.equal(error.status, 409);
  });

  test("409 Conflicto when resolving a case nobody classified", async () => {
    const creado = await admin.casos.create(
      nuevoReclamo(marca("L"), { tipo_caso: null, criticidad: null }),
    );
    const error = await admin.casos
      .estado(creado.caso.numero_caso, { estado: "resuelto", resolucion: "Sin clasificar" })
      .catch((e: unknown) => e);
    assert.ok(error instanceof Conflicto, String(error));
  });

  test("409 Conflicto when an Idempotency-Key is reused with another body", async () => {
    const idempotencyKey = marca("idem-");
    await admin.casos.create(nuevoReclamo(marca("L")), { idempotencyKey });
    const error = await admin.casos
      .create(nuevoReclamo(marca("L")), { idempotencyKey })
      .catch((e: unknown) => e);
    assert.ok(error instanceof Conflicto, String(error));
  });
});

describe("rate limit (a server limited to 2 requests per second)", () => {
  const limitado = process.env.VETANCO_LIMITED_BASE_URL;

  test("429 LimiteExcedido carries Retry-After in seconds", { skip: !limitado }, async () => {
    const client = new VetancoClient({
      apiKey: apiKey("calidad"),
      baseUrl: limitado,
      maxRetries: 0,
    });
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () => client.clientes.search({ cuit: cuitValido() })),
    );
    const error = results.find((r) => r.status === "rejected")?.reason as unknown;
    assert.ok(error instanceof LimiteExcedido, String(error));
    assert.equal(error.status, 429);
    assert.equal(error.code, "rate_limited");
    assert.ok(error.retryAfter !== undefined && error.retryAfter >= 1, String(error.retryAfter));
    assert.equal(error.headers?.get("x-ratelimit-remaining"), "0");
  });

  test("GETs wait out Retry-After and then succeed", { skip: !limitado }, async () => {
    let rechazos = 0;
    const client = new VetancoClient({
      apiKey: apiKey("colaborador"),
      baseUrl: limitado,
      maxRetries: 6,
      fetch: async (url, init) => {
        const response = await fetch(url, init);
        if (response.status === 429) rechazos++;
        return response;
      },
    });
    const started = Date.now();
    const results = await Promise.all(
      Array.from({ length: 5 }, () => client.clientes.search({ cuit: cuitValido() })),
    );
    assert.equal(results.length, 5);
    assert.ok(rechazos >= 3, `expected at least 3 answers 429, got ${rechazos}`);
    assert.ok(Date.now() - started >= 900, "the retries should have waited Retry-After");
  });
});

describe("transport failures", () => {
  test("ErrorDeConexion when nothing listens on the port", async () => {
    const { url, server } = await servidor(() => undefined);
    await cerrar(server);
    const client = new VetancoClient({
      apiKey: "k",
      baseUrl: url,
      maxRetries: 1,
      retryBaseDelayMs: 10,
    });
    const error = await client.casos.list().catch((e: unknown) => e);
    assert.ok(error instanceof ErrorDeConexion, String(error));
    assert.equal(error.status, undefined);
  });

  test("ErrorDeConexion on timeout", async () => {
    const { url, server } = await servidor(() => undefined);
    try {
      const client = new VetancoClient({
        apiKey: "k",
        baseUrl: url,
        timeoutMs: 150,
        maxRetries: 0,
      });
      const error = await client.casos.list().catch((e: unknown) => e);
      assert.ok(error instanceof ErrorDeConexion, String(error));
      assert.match(error.message, /tiempo de espera/);
    } finally {
      await cerrar(server);
    }
  });

  test("idempotent calls retry 5xx; POST without Idempotency-Key never does", async () => {
    let hits = 0;
    const { url, server } = await servidor((req, res) => {
      hits++;
      if (hits <= 2 || req.method === "POST") {
        res.writeHead(503, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: "error_interno", message: "caído", details: [] }));
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({ data: [], pagination: { total: 0, page: 1, limit: 20, total_pages: 0 } }),
      );
    });
    try {
      const client = new VetancoClient({
        apiKey: "k",
        baseUrl: url,
        maxRetries: 2,
        retryBaseDelayMs: 10,
      });
      const lista = await client.casos.list();
      assert.equal(lista.pagination.total, 0);
      assert.equal(hits, 3);

      hits = 10;
      const error = await client.colaboradores
        .create({ nombre: "X", cargo: "Y" })
        .catch((e: unknown) => e);
      assert.ok(error instanceof ErrorDelServidor, String(error));
      assert.equal(error.status, 503);
      assert.equal(hits, 11);

      hits = 10;
      await client.casos.create(nuevoReclamo("L1")).catch((e: unknown) => e);
      assert.equal(hits, 13, "create sends an Idempotency-Key, so it is retried");
    } finally {
      await cerrar(server);
    }
  });

  test("a missing API key fails before any request", () => {
    const saved = process.env.VETANCO_API_KEY;
    delete process.env.VETANCO_API_KEY;
    try {
      assert.throws(() => new VetancoClient({ baseUrl: BASE_URL }), VetancoError);
    } finally {
      if (saved !== undefined) process.env.VETANCO_API_KEY = saved;
    }
  });
});
