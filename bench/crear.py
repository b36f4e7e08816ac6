"""`POST /api/casos` per second with 50 concurrent clients, and proof the numbering has no gaps.

Each client posts valid cases (the shape of tests/factories.py `caso_payload`: 200 different
clients, a different lot and story each time, so no request is a duplicate) with a colaborador
API key. Every creation takes the year's counter row first and holds it to commit, so creations
are serialised by design: that lock is what keeps VET-YYYY-NNNNN gap-free under concurrency.
After each run the numbers in the database must be exactly 1..N for the N answers 201.

Baseline, measured in the same run and database: a bare Starlette endpoint that parses the JSON
and, in one transaction through the same engine settings (pool, SQLite pragmas and BEGIN
IMMEDIATE), increments a counter row with the same INSERT … ON CONFLICT DO UPDATE … RETURNING and
inserts one row with that number and the body. That is the floor of a durable, gap-free
numbered insert over HTTP; the ratio prices what our endpoint adds on top (API key and rate
limit, validation, client upsert, duplicate checks, history chain, outbox event, triage and SLA
clock). Same uvicorn settings for both (comun.py); the worker is off, as in bench/ingest.py.

    uv run python bench/crear.py
    uv run python bench/crear.py --postgres
"""

from __future__ import annotations

import json
import os
import random
import re
import sys
import uuid
from pathlib import Path
from typing import Any

import typer
import uvloop
from carga import Resultado, cerrada, peticion
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
from sqlalchemy import Column, Integer, MetaData, String, Table, Text, create_engine, select
from sqlalchemy.dialects import postgresql, sqlite
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from stdnum.ar import cuit as stdnum_cuit

from vetanco.auth import service as auth_service
from vetanco.auth.roles import Role
from vetanco.casos.models import Caso
from vetanco.db import Database

RUTA = "/api/casos"
CALENTAR = 50  # cases created before the clock starts (they count for the numbering check)
_NUMERO = re.compile(r"VET-(\d{4})-(\d+)")
META = MetaData()
CONTADOR = Table(
    "bench_contador", META, Column("anio", Integer, primary_key=True), Column("ultimo", Integer)
)
FILAS = Table(
    "bench_casos",
    META,
    Column("numero", String(20), primary_key=True),
    Column("cuerpo", Text),
)


def app_base() -> Starlette:
    """The floor: a counter row incremented and one numbered row inserted, in one transaction."""
    db = Database(os.environ["VETANCO_DATABASE_URL"])
    META.create_all(db.engine)
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    upsert = (
        insert(CONTADOR)
        .values(anio=2026, ultimo=1)
        .on_conflict_do_update(index_elements=["anio"], set_={"ultimo": CONTADOR.c.ultimo + 1})
        .returning(CONTADOR.c.ultimo)
    )

    def guardar(cuerpo: dict[str, Any]) -> str:
        with db.transaction() as session:
            numero = f"VET-2026-{session.execute(upsert).scalar_one():05d}"
            session.execute(FILAS.insert(), {"numero": numero, "cuerpo": json.dumps(cuerpo)})
        return numero

    async def crear(request: Request) -> Response:
        numero = await run_in_threadpool(guardar, json.loads(await request.body()))
        body = json.dumps({"caso": {"numero_caso": numero}}).encode()
        return Response(body, status_code=201, media_type="application/json")

    return Starlette(routes=[Route(RUTA, crear, methods=["POST"])])


def _cuits(n: int, rng: random.Random) -> list[str]:
    cuits: list[str] = []
    while len(cuits) < n:
        base = "30" + f"{rng.randrange(10**8):08d}"
        digito = stdnum_cuit.calc_check_digit(base)
        if len(digito) == 1:
            cuits.append(f"{base[:2]}-{base[2:]}-{digito}")
    return cuits


def _payload(n: int, cuit: str) -> dict[str, Any]:
    """tests/factories.py `caso_payload`, with the client and lot varied so none is a duplicate."""
    return {
        "tipo_usuario_registro": "cliente",
        "cliente": {
            "nombre_apellido": "Juan Pérez",
            "razon_social": f"Agropecuaria {cuit}",
            "cuit": cuit,
            "direccion": "Av. Rivadavia 1234, CABA",
            "telefono": "11-5555-1234",
            "email": "juan@ejemplo.com",
        },
        "producto": {
            "nombre_producto": "Vetancilina 100ml",
            "presentacion": "Frasco",
            "numero_lote": f"ABC{n:05d}",
            "fecha_vencimiento": "2026-12-31",
            "estado_producto": "usado",
            "cantidad_afectada": 10,
            "unidad_medida": "frascos",
        },
        "descripcion": {
            "que_sucedio": f"Intoxicación en bovinos, caso de prueba {n}",
            "donde_ocurrio": "Establecimiento Las Rosas",
            "cuando_ocurrio": "2025-10-17T14:00:00Z",
            "descripcion_libre": "Informe veterinario adjunto",
        },
        "numero_remito": "0001-00012345",
        "canal": "telefono",
    }


def _numeros(url: str) -> list[int]:
    engine = create_engine(url)
    with engine.connect() as conn:
        numeros = list(conn.scalars(select(Caso.numero_caso)))
    engine.dispose()
    return sorted(int(m.group(2)) for n in numeros if (m := _NUMERO.fullmatch(n)))


def _entorno(url: str, carpeta: Path) -> dict[str, str]:
    return {
        "VETANCO_DATABASE_URL": url,
        "VETANCO_WORKER_ENABLED": "false",
        "VETANCO_RATE_LIMIT": "1000000/minute",
        "VETANCO_LOG_FORMAT": "json",
        "VETANCO_SECRET_KEY": "bench-" + "x" * 40,
        "VETANCO_STORAGE_DIR": str(carpeta / "storage"),
    }


def main(
    clientes: int = typer.Option(50, help="Clientes simultáneos"),
    segundos: float = typer.Option(6.0, help="Duración de la medición"),
    casos: int = typer.Option(6000, help="Casos distintos preparados (tope de la medición)"),
    runs: Runs = 3,
    database_url: DatabaseUrl = "",
    postgres: Postgres = False,
    postgres_admin: PostgresAdmin = "",
    perfil: Perfil = None,
) -> None:
    carpeta = carpeta_temporal()
    claves: list[str] = []

    def preparar(url: str) -> None:
        db = Database(url)
        with db.transaction() as session:
            claves.append(
                auth_service.create_key(
                    session, name=f"bench-{uuid.uuid4().hex[:8]}", role=Role.colaborador
                )[1]
            )
        db.dispose()

    bases = Bases(
        carpeta=carpeta,
        database_url=database_url,
        postgres=postgres,
        postgres_admin=postgres_admin,
        preparar=preparar,
    )
    rng = random.Random(30)
    cuits = _cuits(200, rng)
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {claves[0]}"}
    cuerpos = [json.dumps(_payload(i, rng.choice(cuits))).encode() for i in range(casos + CALENTAR)]
    pedidos = [peticion(RUTA, c, headers) for c in cuerpos]
    por_segundo = Cifra(f"casos/s, {clientes} clientes", "/s")
    cpu = Cifra("CPU del servidor por caso", "ms")
    p50, p99 = Cifra("p50", "ms"), Cifra("p99", "ms")
    huecos: list[str] = []
    fallidos: list[str] = []
    total = 0
    runs = 1 if perfil else runs
    try:
        for run in range(runs):
            url = bases.nueva()
            servidores = [("vetanco", "comun:app_vetanco"), ("base", "crear:app_base")]
            servidores = servidores[:1] if perfil else servidores[:: -1 if run % 2 else 1]
            for nombre, app in servidores:
                es_base = nombre == "base"
                antes = 0 if es_base else len(_numeros(url))
                servidor = Servidor(
                    app,
                    env=_entorno(url, carpeta),
                    carpeta=carpeta,
                    nombre=f"{nombre}-{run}",
                    perfil=None if es_base else perfil,
                )
                with servidor:
                    r = uvloop.run(_medir(servidor, pedidos, clientes, segundos))
                for cifra, valor in (
                    (por_segundo, r.por_segundo),
                    (cpu, r.cpu / len(r.latencias) * 1000),
                    (p50, percentil(r.latencias, 50)),
                    (p99, percentil(r.latencias, 99)),
                ):
                    (cifra.base if es_base else cifra.valores).append(valor)
                if set(r.estados) != {201}:
                    fallidos.append(f"{nombre} {run + 1}: {dict(r.estados)}")
                if not es_base:
                    numeros = _numeros(url)
                    creados = len(numeros) - antes
                    total += creados
                    if creados != r.estados[201] + CALENTAR or numeros != list(
                        range(1, len(numeros) + 1)
                    ):
                        huecos.append(f"corrida {run + 1}: {creados} creados, {r.estados[201]} 201")
            console.print(f"corrida {run + 1}: {por_segundo.valores[-1]:.0f} casos/s")
    finally:
        bases.cerrar(borrar=sys.exc_info()[0] is None)
    sin_huecos = Cifra(
        "numeración sin huecos",
        "",
        texto=f"sí ({total} casos, 1..N en cada corrida)"
        if not huecos
        else f"[red]no[/red] {huecos}",
    )
    errores = Cifra(
        "respuestas ≠ 201",
        "",
        texto="ninguna" if not fallidos else f"[red]{'; '.join(fallidos)}[/red]",
    )
    tabla(
        f"Alta de casos por la API ({bases.dialecto}, {runs} corridas)",
        [por_segundo, cpu, p50, p99, sin_huecos, errores],
        nota="línea de base: Starlette pelado que numera con el mismo contador e inserta una fila",
    )
    if perfil:
        mostrar_perfil(perfil)
    if huecos or fallidos:
        raise SystemExit("; ".join(huecos + fallidos))


async def _medir(
    servidor: Servidor, pedidos: list[bytes], clientes: int, segundos: float
) -> Resultado:
    await cerrada(servidor.port, pedidos[-CALENTAR:], 5)
    cpu = servidor.cpu()
    r = await cerrada(servidor.port, pedidos[:-CALENTAR], clientes, segundos=segundos)
    r.cpu = servidor.cpu() - cpu
    return r


if __name__ == "__main__":
    typer.run(main)
