/** Webhook verification (Python-signed sample, real deliveries) and subscription management. */

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { after, describe, test } from "node:test";

import { FirmaInvalida, NoEncontrado, verificarFirmaSimple, verificarWebhook } from "@vetanco/sdk";

import { cliente, marca, nuevoReclamo } from "./helpers.js";

const admin = cliente("admin");

interface Muestra {
  secret: string;
  secret_anterior: string;
  otro_secret: string;
  body: string;
  headers: Record<string, string>;
}

const fixture = process.env.VETANCO_WEBHOOK_FIXTURE;

describe(
  "verificarWebhook with a delivery signed by the server's Python code",
  { skip: !fixture },
  () => {
    const muestra = (): Muestra => JSON.parse(readFileSync(fixture ?? "", "utf8")) as Muestra;

    test("accepts the body as string, as bytes, and with either secret of a rotation", () => {
      const { secret, secret_anterior, body, headers } = muestra();
      const evento = verificarWebhook<{ event: string }>(body, headers, secret);
      assert.equal(evento.event, "caso.creado");
      assert.deepEqual(verificarWebhook(new TextEncoder().encode(body), headers, secret), evento);
      assert.deepEqual(verificarWebhook(body, new Headers(headers), secret_anterior), evento);
      const mayusculas = Object.fromEntries(
        Object.entries(headers).map(([k, v]) => [k.toUpperCase(), v]),
      );
      assert.deepEqual(verificarWebhook(body, mayusculas, secret), evento);
    });

    test("rejects a tampered body, a wrong secret and missing headers", () => {
      const { secret, otro_secret, body, headers } = muestra();
      assert.throws(
        () => verificarWebhook(body.replace("reclamo", "queja"), headers, secret),
        FirmaInvalida,
      );
      assert.throws(() => verificarWebhook(body, headers, otro_secret), FirmaInvalida);
      const { ["webhook-signature"]: _firma, ...sinFirma } = headers;
      assert.throws(() => verificarWebhook(body, sinFirma, secret), FirmaInvalida);
      const mala = { ...headers, "webhook-signature": "v1,AAAA v2,zzz" };
      assert.throws(() => verificarWebhook(body, mala, secret), FirmaInvalida);
    });

    test("enforces the 5-minute timestamp tolerance both ways", () => {
      const { secret, body, headers } = muestra();
      const enviado = Number(headers["webhook-timestamp"]) * 1000;
      const ok = verificarWebhook(body, headers, secret, { ahora: new Date(enviado + 299_000) });
      assert.ok(ok);
      assert.throws(
        () => verificarWebhook(body, headers, secret, { ahora: new Date(enviado + 301_000) }),
        /viejo/,
      );
      assert.throws(
        () => verificarWebhook(body, headers, secret, { ahora: new Date(enviado - 301_000) }),
        /futuro/,
      );
    });

    test("verificarFirmaSimple checks X-Vetanco-Signature", () => {
      const { secret, otro_secret, body, headers } = muestra();
      const evento = verificarFirmaSimple<{ event: string }>(body, headers, secret);
      assert.equal(evento.event, "caso.creado");
      assert.throws(() => verificarFirmaSimple(body, headers, otro_secret), FirmaInvalida);
    });
  },
);

describe("webhook subscriptions", () => {
  test("create, get, list, update, rotate, log and delete", async () => {
    const creado = await admin.webhooks.create({
      url: "http://127.0.0.1:9/hooks",
      events: ["caso.creado"],
      description: marca("desc-"),
    });
    assert.match(creado.secret, /^whsec_/);
    const id = creado.id;
    assert.equal((await admin.webhooks.get(id)).url, "http://127.0.0.1:9/hooks");
    assert.ok((await admin.webhooks.list()).data.some((w) => w.id === id));

    const actualizado = await admin.webhooks.update(id, {
      events: ["caso.creado", "caso.resuelto"],
      enabled: false,
    });
    assert.deepEqual(actualizado.events, ["caso.creado", "caso.resuelto"]);
    assert.equal(actualizado.enabled, false);

    const rotado = await admin.webhooks.rotarSecreto(id);
    assert.notEqual(rotado.secret, creado.secret);
    const ping = await admin.webhooks.probar(id);
    assert.equal(ping.status, "success");
    const entregas = await admin.webhooks.entregas(id, { limit: 10 });
    assert.ok(entregas.data.some((e) => e.id === ping.entrega_id));
    const reenviada = await admin.webhooks.reenviarEntrega(id, ping.entrega_id);
    assert.equal(reenviada.id, ping.entrega_id);
    const desde = await admin.webhooks.reenviarDesde(id, new Date(Date.now() - 60_000));
    assert.equal(desde.status, "success");

    await admin.webhooks.delete(id);
    await assert.rejects(admin.webhooks.get(id), NoEncontrado);
  });
});

interface Recibido {
  body: string;
  headers: IncomingHttpHeaders;
}

describe(
  "a real delivery from the server's worker",
  { skip: process.env.VETANCO_WORKER !== "1" },
  () => {
    const recibidos: Recibido[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        recibidos.push({ body: Buffer.concat(chunks).toString("utf8"), headers: req.headers });
        res.writeHead(204).end();
      });
    });
    after(() => {
      server.closeAllConnections();
      server.close();
    });

    test("verifies with the subscription's secret", async () => {
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const { port } = server.address() as AddressInfo;
      const suscripcion = await admin.webhooks.create({
        url: `http://127.0.0.1:${port}/vetanco`,
        events: ["caso.creado"],
      });
      try {
        const { caso } = await admin.casos.create(nuevoReclamo(marca("L")));
        const deadline = Date.now() + 15_000;
        let evento: { event: string; data: { numero_caso: string } } | undefined;
        while (!evento && Date.now() < deadline) {
          for (const r of recibidos) {
            const parsed = verificarWebhook<{ event: string; data: { numero_caso: string } }>(
              r.body,
              r.headers,
              suscripcion.secret,
            );
            if (parsed.data.numero_caso === caso.numero_caso) evento = parsed;
          }
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        assert.ok(
          evento,
          `no llegó el webhook de ${caso.numero_caso} (${recibidos.length} recibidos)`,
        );
        assert.equal(evento.event, "caso.creado");
        const primero = recibidos.find((r) => r.body.includes(caso.numero_caso));
        assert.ok(primero);
        assert.throws(
          () =>
            verificarWebhook(
              primero.body,
              primero.headers,
              "whsec_" + Buffer.alloc(32).toString("base64"),
            ),
          FirmaInvalida,
        );
        verificarFirmaSimple(primero.body, primero.headers, suscripcion.secret);
      } finally {
        await admin.webhooks.delete(suscripcion.id);
      }
    });
  },
);
