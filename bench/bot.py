"""WhatsApp bot latency: from a Kapso webhook leaving the sender to the bot's reply reaching Kapso.

Everything on loopback. The Kapso stand-in (`vetanco.sim.kapso`) signs the inbound webhooks
exactly like Kapso and receives our replies on its Meta-compatible API; it runs on this
process's event loop, which also sends the webhooks, so both ends of each measurement read the
same clock. Our server runs like `vetanco serve` (its own process, uvicorn as in comun.py, the
background worker in-process), so a reply goes: webhook stored → worker runs the bot → outbox →
sender thread → Kapso.

Two phases per run, each with its own phones:
  * conversaciones: 200 conversations at once, each filing a complaint step by step (the first
    message of a complaint, then the next answers), waiting for each reply and a think time
    (uniform around --pausa, 3 s: about 50 messages per second in all);
  * ráfaga: 200 first messages of a complaint sent at the same instant (a worst case).

Baseline, measured in the same run: an echo bot on the same uvicorn settings that checks the
HMAC, acknowledges, and then posts one fixed text to the stand-in (the network and HTTP cost of a
reply with no storage, queue or bot). Goal of issue 10: p95 < 250 ms. The server's CPU per
message (webhook, bot turn, outbox, send) is printed too, steadier than latencies on a busy machine.

    uv run python bench/bot.py
    uv run python bench/bot.py --postgres
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import os
import random
import sys
import time
from pathlib import Path

import httpx
import typer
import uvicorn
import uvloop
from carga import HOST, Conexion, peticion
from comun import (
    Bases,
    Cifra,
    DatabaseUrl,
    Perfil,
    Postgres,
    PostgresAdmin,
    Runs,
    Servidor,
    carpeta_temporal,
    console,
    mostrar_perfil,
    percentil,
    puerto_libre,
    tabla,
)
from sqlalchemy import create_engine, func, select
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from vetanco.sim.kapso import KapsoSim
from vetanco.whatsapp.models import Conversacion

SECRETO = "bench-kapso-secreto"
API_KEY = "bench-kapso-api-key"
RUTA = "/webhooks/kapso"
GUION = (
    "Hola, quiero hacer un reclamo",
    "Reclamo",
    "Soy el cliente",
    "Juan Pérez",
    "omitir",
    "omitir",
)
PASO_TRAS = ("tipo", "registrante", "nombre_apellido", "razon_social", "cuit", "telefono")


class KapsoMedido(KapsoSim):
    """The stand-in, noting when each text reaches it and waking whoever waits for that phone."""

    def __init__(self, *, port: int) -> None:
        super().__init__(webhook_secret=SECRETO, api_key=API_KEY, port=port)
        self.esperando: dict[str, asyncio.Future[float]] = {}

    async def _messages(self, request: Request) -> Response:
        response = await super()._messages(request)
        at = time.perf_counter()
        if response.status_code == 200:
            to = json.loads(await request.body()).get("to")
            future = self.esperando.pop(str(to).removeprefix("+"), None)
            if future is not None and not future.done():
                future.set_result(at)
        return response


def app_eco() -> Starlette:
    """The echo bot: HMAC check, 200, then one fixed text to the stand-in after the response."""
    secret = os.environ["VETANCO_KAPSO_WEBHOOK_SECRET"].encode()
    url = f"{os.environ['VETANCO_KAPSO_API_URL']}/{os.environ['VETANCO_KAPSO_PHONE_NUMBER_ID']}"
    headers = {"X-API-Key": os.environ["VETANCO_KAPSO_API_KEY"]}
    client = httpx.AsyncClient(timeout=10)

    async def responder(to: str) -> None:
        body = {"messaging_product": "whatsapp", "to": to, "type": "text", "text": {"body": "ok"}}
        await client.post(f"{url}/messages", json=body, headers=headers)

    async def webhook(request: Request) -> Response:
        body = await request.body()
        expected = hmac.new(secret, body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, request.headers.get("x-webhook-signature", "")):
            return Response(status_code=401)
        to = json.loads(body)["message"]["from"]
        ok = b'{"status":"ok","received":true}'
        return Response(ok, media_type="application/json", background=BackgroundTask(responder, to))

    return Starlette(routes=[Route(RUTA, webhook, methods=["POST"])])


class Conversaciones:
    """Phones talking to one server through the stand-in; every reply's delay is kept."""

    def __init__(self, sim: KapsoMedido, port: int) -> None:
        self.sim, self.port = sim, port
        self.latencias: list[float] = []
        self.sin_respuesta = 0
        self.envios: list[float] = []
        self.cpu_ms = float("nan")  # server CPU per message, when measured

    async def turno(self, conn: Conexion, telefono: str, texto: str) -> None:
        delivery = self.sim.text_delivery(telefono, texto)
        request = peticion(RUTA, delivery.body, delivery.headers)
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.sim.esperando[telefono] = future
        started = time.perf_counter()
        self.envios.append(started)
        status, _ = await conn.enviar(request)
        if status != 200:
            raise SystemExit(f"webhook respondió {status}")
        try:
            llegada = await asyncio.wait_for(future, timeout=30)
        except TimeoutError:
            self.sin_respuesta += 1
            return
        self.latencias.append((llegada - started) * 1000)

    @property
    def por_segundo(self) -> float:
        """The load the phones offered: messages sent per second of the phase."""
        lapso = max(self.envios) - min(self.envios) if len(self.envios) > 1 else 0.0
        return len(self.envios) / lapso if lapso else 0.0

    async def conversar(
        self, telefono: str, mensajes: int, pausa: float, rng: random.Random
    ) -> None:
        conn = await Conexion.abrir(self.port)
        try:
            await asyncio.sleep(rng.uniform(0, pausa))
            for texto in GUION[:mensajes]:
                await self.turno(conn, telefono, texto)
                await asyncio.sleep(rng.uniform(0.5 * pausa, 1.5 * pausa))
        finally:
            conn.cerrar()

    async def rafaga(self, telefonos: list[str]) -> None:
        conns = [await Conexion.abrir(self.port) for _ in telefonos]
        await asyncio.gather(
            *(self.turno(c, t, GUION[0]) for c, t in zip(conns, telefonos, strict=True))
        )
        for conn in conns:
            conn.cerrar()


async def _stand_in(sim: KapsoMedido, port: int) -> tuple[uvicorn.Server, asyncio.Task[None]]:
    """On this process's loop, so arrivals and sends read one clock without crossing threads."""
    config = uvicorn.Config(
        sim.app, host=HOST, port=port, log_level="error", lifespan="off", http="httptools"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        await asyncio.sleep(0.01)
    return server, task


def _entorno(url: str, sim: KapsoSim, carpeta: Path) -> dict[str, str]:
    return {
        "VETANCO_DATABASE_URL": url,
        "VETANCO_KAPSO_WEBHOOK_SECRET": SECRETO,
        "VETANCO_KAPSO_API_KEY": API_KEY,
        "VETANCO_KAPSO_API_URL": sim.api_url,
        "VETANCO_KAPSO_PHONE_NUMBER_ID": sim.phone_number_id,
        "VETANCO_LOG_FORMAT": "json",
        "VETANCO_SECRET_KEY": "bench-" + "x" * 40,
        "VETANCO_STORAGE_DIR": str(carpeta / "storage"),
    }


async def _corrida(
    app: str,
    *,
    url: str,
    carpeta: Path,
    nombre: str,
    conversaciones: int,
    mensajes: int,
    pausa: float,
    perfil: Path | None,
) -> tuple[Conversaciones, Conversaciones]:
    port = puerto_libre()
    sim = KapsoMedido(port=port)
    server, task = await _stand_in(sim, port)
    rng = random.Random(20)
    try:
        servidor = Servidor(
            app, env=_entorno(url, sim, carpeta), carpeta=carpeta, nombre=nombre, perfil=perfil
        )
        with servidor:
            calentar = Conversaciones(sim, servidor.port)
            await calentar.rafaga([f"54900{i:08d}" for i in range(10)])
            charla = Conversaciones(sim, servidor.port)
            cpu = servidor.cpu()
            await asyncio.gather(
                *(
                    charla.conversar(f"54911{i:08d}", mensajes, pausa, rng)
                    for i in range(conversaciones)
                )
            )
            charla.cpu_ms = (servidor.cpu() - cpu) / len(charla.envios) * 1000
            await asyncio.sleep(1)
            rafaga = Conversaciones(sim, servidor.port)
            await rafaga.rafaga([f"54922{i:08d}" for i in range(conversaciones)])
    finally:
        server.should_exit = True
        await task
    return charla, rafaga


def _pasos(url: str) -> dict[str, int]:
    """Where the bot left each conversation of the steady phase: all should have advanced alike."""
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            select(Conversacion.paso, func.count())
            .where(Conversacion.telefono.like("54911%"))
            .group_by(Conversacion.paso)
        ).all()
    engine.dispose()
    return dict(rows)


def main(
    conversaciones: int = typer.Option(200, help="Conversaciones simultáneas"),
    mensajes: int = typer.Option(3, min=1, max=len(GUION), help="Mensajes por conversación"),
    pausa: float = typer.Option(3.0, help="Pausa media entre respuesta y siguiente mensaje (s)"),
    runs: Runs = 3,
    database_url: DatabaseUrl = "",
    postgres: Postgres = False,
    postgres_admin: PostgresAdmin = "",
    perfil: Perfil = None,
) -> None:
    carpeta = carpeta_temporal()
    bases = Bases(
        carpeta=carpeta, database_url=database_url, postgres=postgres, postgres_admin=postgres_admin
    )
    objetivo = "p95 < 250 ms"
    cifras = {
        ("charla", 50): Cifra(f"p50, {conversaciones} conversaciones", "ms"),
        ("charla", 95): Cifra(
            f"p95, {conversaciones} conversaciones",
            "ms",
            objetivo=objetivo,
            cumple=lambda v, _b: v < 250,
        ),
        ("rafaga", 50): Cifra(f"p50, ráfaga de {conversaciones}", "ms"),
        ("rafaga", 95): Cifra(
            f"p95, ráfaga de {conversaciones}",
            "ms",
            objetivo=objetivo,
            cumple=lambda v, _b: v < 250,
        ),
    }
    carga = Cifra("mensajes/s ofrecidos (conversaciones)", "/s")
    cpu = Cifra("CPU del servidor por mensaje", "ms")
    runs = 1 if perfil else runs
    pasos: list[dict[str, int]] = []
    sin_respuesta = 0
    try:
        for run in range(runs):
            url = bases.nueva()
            servidores = [("vetanco", "comun:app_vetanco"), ("eco", "bot:app_eco")]
            servidores = servidores[:1] if perfil else servidores[:: -1 if run % 2 else 1]
            for nombre, app in servidores:
                es_base = nombre == "eco"
                charla, rafaga = uvloop.run(
                    _corrida(
                        app,
                        url=url,
                        carpeta=carpeta,
                        nombre=f"{nombre}-{run}",
                        conversaciones=conversaciones,
                        mensajes=mensajes,
                        pausa=pausa,
                        perfil=None if es_base else perfil,
                    )
                )
                sin_respuesta += charla.sin_respuesta + rafaga.sin_respuesta
                (carga.base if es_base else carga.valores).append(charla.por_segundo)
                (cpu.base if es_base else cpu.valores).append(charla.cpu_ms)
                for (fase, pct), cifra in cifras.items():
                    medidas = charla if fase == "charla" else rafaga
                    valor = percentil(medidas.latencias, pct)
                    (cifra.base if es_base else cifra.valores).append(valor)
                if not es_base:
                    pasos.append(_pasos(url))
            console.print(f"corrida {run + 1}: p95 {cifras['charla', 95].valores[-1]:.0f} ms")
    finally:
        bases.cerrar(borrar=sys.exc_info()[0] is None)
    esperado = f"registro:{PASO_TRAS[mensajes - 1]}"
    avanzaron = all(p == {esperado: conversaciones} for p in pasos)
    control = Cifra(
        "el bot avanzó en todas",
        "",
        texto=f"{'sí' if avanzaron and not sin_respuesta else '[red]no[/red]'} "
        f"({pasos[-1] if pasos else {}}; sin respuesta: {sin_respuesta})",
    )
    tabla(
        f"Bot de WhatsApp: webhook → respuesta en Kapso ({bases.dialecto}, {runs} corridas, "
        f"{mensajes} mensajes por conversación, pausa ~{pausa:.1f} s)",
        [carga, cpu, *cifras.values(), control],
        nota="línea de base: bot eco en Starlette (HMAC, 200 y un texto fijo a Kapso; mismo uvicorn)",
    )
    if perfil:
        mostrar_perfil(perfil)


if __name__ == "__main__":
    typer.run(main)
