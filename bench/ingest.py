"""Kapso inbound webhooks accepted per second end to end, and their latency at a fixed load.

Accepted means what Kapso waits for: the signature checked on the raw bytes, the event stored
durably and deduplicated (`kapso_eventos`, unique key), and 200 sent. Every request is a real
Kapso `whatsapp.message.received` (payload v2, `X-Webhook-Signature` = hex HMAC-SHA256 of the
exact bytes, `X-Idempotency-Key`), built by the Kapso stand-in; a share of them are Kapso's
retries (same bytes, same key), which must be acknowledged and not stored twice: after each
run the table must hold exactly one row per distinct message.

Baseline, measured in the same run with the same requests: a bare Starlette endpoint that only
checks the HMAC and answers our 200 body. Both run with the same uvicorn settings (one process,
uvloop, httptools; see comun.py); the bot's worker is off in ours because its work happens after
the acknowledgement (`bench/bot.py` measures it). Our server logs one JSON access line per
request to a file, as in production. Goal of issue 10: ≥ 50 % of the baseline's throughput on
SQLite and on PostgreSQL. The server's CPU per webhook (from /proc) is printed too: on a shared
machine it moves far less than a rate does.

    uv run python bench/ingest.py
    uv run python bench/ingest.py --postgres          # VETANCO_TEST_POSTGRES_URL, fresh DB per run
    uv run python bench/ingest.py --perfil /tmp/ingest.prof   # cProfile of our server only
"""

from __future__ import annotations

import hashlib
import hmac
import os
import random
import sys
from pathlib import Path

import typer
import uvloop
from carga import Resultado, abierta, cerrada, peticion
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
    tabla,
)
from sqlalchemy import create_engine, func, select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from vetanco.sim.kapso import KapsoSim
from vetanco.whatsapp.models import KapsoEvento

SECRETO = "bench-kapso-secreto"
RUTA = "/webhooks/kapso"


def app_base() -> Starlette:
    """The bare endpoint: the same HMAC check on the raw bytes, then our 200 body; nothing stored."""
    secret = os.environ["VETANCO_KAPSO_WEBHOOK_SECRET"].encode()
    ok = b'{"status":"ok","received":true}'

    async def webhook(request: Request) -> Response:
        body = await request.body()
        expected = hmac.new(secret, body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, request.headers.get("x-webhook-signature", "")):
            return Response(status_code=401)
        return Response(ok, media_type="application/json")

    return Starlette(routes=[Route(RUTA, webhook, methods=["POST"])])


def _entregas(n: int, repetidos: float, rng: random.Random) -> list[bytes]:
    """`n` signed messages from 500 phones, plus Kapso retries of some of them, shuffled."""
    sim = KapsoSim(webhook_secret=SECRETO)
    telefonos = [f"549{rng.randrange(10**10):010d}" for _ in range(500)]
    unicas = [
        sim.text_delivery(rng.choice(telefonos), f"Hola, quiero hacer un reclamo ({i})")
        for i in range(n)
    ]
    todas = unicas + [rng.choice(unicas) for _ in range(round(n * repetidos))]
    rng.shuffle(todas)
    return [peticion(RUTA, d.body, d.headers) for d in todas]


def _entorno(url: str, carpeta: Path) -> dict[str, str]:
    return {
        "VETANCO_DATABASE_URL": url,
        "VETANCO_KAPSO_WEBHOOK_SECRET": SECRETO,
        "VETANCO_WORKER_ENABLED": "false",
        "VETANCO_LOG_FORMAT": "json",
        "VETANCO_SECRET_KEY": "bench-" + "x" * 40,
        "VETANCO_STORAGE_DIR": str(carpeta / "storage"),
    }


async def _medir(
    servidor: Servidor,
    fases: dict[str, list[bytes]],
    *,
    concurrencia: int,
    tasa: float,
    segundos: float,
    base: bool,
) -> dict[str, Resultado]:
    port = servidor.port
    resultados = {"calentar": await cerrada(port, fases["calentar"], concurrencia)}
    cpu = servidor.cpu()
    resultados["cerrada"] = await cerrada(
        port, fases["cerrada"], concurrencia, segundos=segundos, ciclar=base
    )
    resultados["cerrada"].cpu = servidor.cpu() - cpu
    resultados["abierta"] = await abierta(port, fases["abierta"], tasa)
    for fase, r in resultados.items():
        if set(r.estados) != {200}:
            raise SystemExit(f"{fase}: respuestas {dict(r.estados)}")
    return resultados


def _guardados(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as conn:
        count = conn.scalar(select(func.count()).select_from(KapsoEvento)) or 0
    engine.dispose()
    return count


class Medicion:
    """The figures of one benchmark invocation, filled run by run."""

    def __init__(self, *, concurrencia: int, tasa: float) -> None:
        self.throughput = Cifra(
            f"webhooks/s, {concurrencia} emisores",
            "/s",
            objetivo="≥ 50 % de la base",
            cumple=lambda v, b: b is not None and v >= 0.5 * b,
        )
        self.cpu = Cifra("CPU del servidor por webhook", "µs")
        self.p50 = Cifra(f"p50 a {tasa:.0f}/s ofrecidos", "ms")
        self.p99 = Cifra(f"p99 a {tasa:.0f}/s ofrecidos", "ms")
        self.faltas: list[str] = []
        self.distintos = 0
        self.enviados = 0

    def anotar(self, r: dict[str, Resultado], *, base: bool) -> None:
        for cifra, valor in (
            (self.throughput, r["cerrada"].por_segundo),
            (self.cpu, r["cerrada"].cpu / len(r["cerrada"].latencias) * 1e6),
            (self.p50, percentil(r["abierta"].latencias, 50)),
            (self.p99, percentil(r["abierta"].latencias, 99)),
        ):
            (cifra.base if base else cifra.valores).append(valor)

    def verificar(
        self, fases: dict[str, list[bytes]], r: dict[str, Resultado], guardados: int
    ) -> None:
        """Each distinct request that reached the server is one row; retries add none."""
        llegaron = [fases[f][: len(r[f].latencias)] for f in fases]
        distintos = sum(len(set(f)) for f in llegaron)
        self.distintos += distintos
        self.enviados += sum(len(f) for f in llegaron)
        if guardados != distintos:
            self.faltas.append(f"{guardados} filas para {distintos} mensajes distintos")


def main(
    mensajes: int = typer.Option(
        10_000, help="Mensajes distintos para la fase de throughput (se corta a los --segundos)"
    ),
    concurrencia: int = typer.Option(32, help="Emisores simultáneos en la fase de throughput"),
    tasa: float = typer.Option(200.0, help="Carga ofrecida fija para medir latencia (pedidos/s)"),
    segundos: float = typer.Option(4.0, help="Duración de cada fase (throughput y latencia)"),
    repetidos: float = typer.Option(
        0.1, help="Fracción extra de reintentos de Kapso (mismos bytes)"
    ),
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
    rng = random.Random(10)
    fases = {
        fase: _entregas(n, repetidos, rng)
        for fase, n in (
            ("calentar", 300),
            ("cerrada", mensajes),
            ("abierta", round(tasa * segundos)),
        )
    }
    medicion = Medicion(concurrencia=concurrencia, tasa=tasa)
    runs = 1 if perfil else runs
    try:
        for run in range(runs):
            url = bases.nueva()
            servidores = [("vetanco", "comun:app_vetanco"), ("base", "ingest:app_base")]
            if perfil:
                servidores = servidores[:1]
            elif run % 2:
                servidores.reverse()
            for nombre, app in servidores:
                es_base = nombre == "base"
                antes = 0 if es_base else _guardados(url)
                servidor = Servidor(
                    app,
                    env=_entorno(url, carpeta),
                    carpeta=carpeta,
                    nombre=f"{nombre}-{run}",
                    perfil=None if es_base else perfil,
                )
                with servidor:
                    r = uvloop.run(
                        _medir(
                            servidor,
                            fases,
                            concurrencia=concurrencia,
                            tasa=tasa,
                            segundos=segundos,
                            base=es_base,
                        )
                    )
                medicion.anotar(r, base=es_base)
                if not es_base:
                    medicion.verificar(fases, r, _guardados(url) - antes)
            base = medicion.throughput.base
            console.print(
                f"corrida {run + 1}: {medicion.throughput.valores[-1]:.0f}/s"
                + (f" (base {base[-1]:.0f}/s)" if base else "")
            )
    finally:
        bases.cerrar(borrar=sys.exc_info()[0] is None)
    ok = not medicion.faltas
    almacenados = Cifra(
        "guardados una vez cada uno",
        "",
        texto=f"{'sí' if ok else '[red]no[/red]'} ({medicion.distintos} distintos de "
        f"{medicion.enviados} recibidos)",
    )
    tabla(
        f"Webhooks de Kapso entrantes ({bases.dialecto}, {runs} corridas)",
        [medicion.throughput, medicion.cpu, medicion.p50, medicion.p99, almacenados],
        nota="línea de base: Starlette pelado que sólo verifica el HMAC (mismo uvicorn)",
    )
    if perfil:
        mostrar_perfil(perfil)
    if not ok:
        raise SystemExit("; ".join(medicion.faltas))


if __name__ == "__main__":
    typer.run(main)
