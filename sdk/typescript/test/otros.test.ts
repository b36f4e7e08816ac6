/** Clientes, estadísticas, señales, colaboradores, API keys, conversaciones, Retén, salud. */

import assert from "node:assert/strict";
import { test } from "node:test";

import { NoEncontrado, Prohibido, VetancoClient } from "@vetanco/sdk";

import { BASE_URL, cliente, marca, nuevoReclamo } from "./helpers.js";

const admin = cliente("admin");

test("clientes.search finds a customer by CUIT and by name; iterAll pages through", async () => {
  const lote = marca("L");
  const body = nuevoReclamo(lote);
  await admin.casos.create(body);
  const cuit = body.cliente.cuit ?? "";
  const porCuit = await admin.clientes.search({ cuit });
  assert.equal(porCuit.data.length, 1);
  assert.equal(porCuit.data[0]?.cuit, cuit);
  assert.equal(porCuit.data[0]?.total_casos, 1);
  assert.equal(porCuit.data[0]?.casos_abiertos, 1);
  const porNombre = await admin.clientes.search({ search: `Agropecuaria ${lote}` });
  assert.deepEqual(
    porNombre.data.map((c) => c.cuit),
    [cuit],
  );
  let vistos = 0;
  for await (const c of admin.clientes.iterAll({ search: lote, limit: 1 })) {
    assert.equal(c.cuit, cuit);
    vistos++;
  }
  assert.equal(vistos, 1);
});

test("estadisticas.get reports totals for a period", async () => {
  await admin.casos.create(nuevoReclamo(marca("L")));
  const hoy = new Date().toISOString().slice(0, 10);
  const stats = await cliente("lectura").estadisticas.get({
    fecha_desde: "2025-01-01",
    fecha_hasta: hoy,
  });
  assert.equal(stats.periodo.desde, "2025-01-01");
  assert.ok(stats.totales.total_casos >= 1);
  assert.ok(stats.totales.reclamos >= 1);
  assert.equal(typeof stats.por_estado.nuevo, "number");
});

test("colaboradores and API keys: list, create, revoke; lectura may not manage them", async () => {
  const creado = await admin.colaboradores.create({
    nombre: "María González",
    cargo: "Asesora de Ventas",
  });
  const lista = await admin.colaboradores.list();
  assert.ok(lista.data.some((c) => c.id === creado.colaborador.id));
  await assert.rejects(
    cliente("lectura").colaboradores.create({ nombre: "X", cargo: "Y" }),
    Prohibido,
  );

  const name = marca("erp-").toLowerCase();
  const key = await admin.apiKeys.create({ name, role: "lectura" });
  const nueva = new VetancoClient({ apiKey: key.key, baseUrl: BASE_URL });
  assert.ok(Array.isArray((await nueva.casos.list({ limit: 1 })).data));
  assert.ok((await admin.apiKeys.list()).data.some((k) => k.name === name));
  const revocada = await admin.apiKeys.revocar(name);
  assert.ok(revocada.revoked_at);
});

test("señales, conversaciones, Retén and salud answer", async () => {
  const senales = await admin.senales.list({ limit: 5 });
  assert.ok(Array.isArray(senales.data));
  for await (const _ of admin.senales.iterAll({ estado: "abierta" })) break;
  await assert.rejects(admin.senales.get("00000000-0000-0000-0000-000000000000"), NoEncontrado);
  assert.ok(Array.isArray((await admin.conversaciones.list()).data));
  assert.equal((await admin.reten.estado()).modo, "apagado");
  const { caso } = await admin.casos.create(nuevoReclamo(marca("L")));
  assert.deepEqual((await admin.reten.tareasDelCaso(caso.numero_caso)).data, []);
  assert.ok(Array.isArray((await admin.casos.mensajes(caso.numero_caso)).data));
  assert.equal((await admin.salud.vivo()).status, "ok");
  assert.equal((await admin.salud.listo()).database, "ok");
  const libre = await admin.request<{ status: string }>("GET", "/healthz");
  assert.equal(libre.status, "ok");
});
