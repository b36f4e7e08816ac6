"""Reten connector: a full sync of 100 000 tasks against the stand-in's rate limit, and memory.

The Reten stand-in (`vetanco.sim.reten`) runs in a process of its own with N tasks and a fixed
window rate limit (X-RateLimit-* headers, 429 + Retry-After past the quota, as the spec says).
Our connector walks every page (`reten.sync.sincronizar`, what the worker's poller runs page by
page) into a fresh database. Figures of one run:

  * time of the full sync against the rate limit's lower bound, pages ÷ allowed rate (the
    baseline; goal of issue 10: ≤ 1.1×). Measured once per invocation, next to it: a bare walk
    of the same pages with httpx (no database) that waits exactly what the headers say;
  * 429 answers the stand-in sent us (the connector should slow down before the quota ends);
  * memory at 25 / 50 / 75 / 100 % of the walk: live Python memory blocks (after a collection;
    flat means pages are applied and dropped, never accumulated) and the process's resident set
    with its high-water mark. On SQLite the resident set also holds SQLite's own page cache and
    the memory-mapped file (up to 64 MB and 256 MB by the app's pragmas), which grow with the
    database, not with the walk: PostgreSQL (--postgres) shows the connector alone.

    uv run python bench/reten.py                         # 100 000 tasks, 250/10s: bound 40 s
    uv run python bench/reten.py --tareas 20000 --limite 50/2s --corridas 1
    uv run python bench/reten.py --postgres              # VETANCO_TEST_POSTGRES_URL, fresh DB
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import statistics
import sys
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

import httpx
import typer
from comun import Bases, Cifra, carpeta_temporal, console, tabla
from pydantic import SecretStr

from vetanco.config import Settings
from vetanco.db import Database
from vetanco.reten.client import RetenClient
from vetanco.reten.metrics import Metrics
from vetanco.reten.sync import sincronizar
from vetanco.sim.reten_base import parse_rate

CLIENTE, SECRETO = "sim-client", "sim-secret"  # the stand-in's defaults
MARCAS = (25, 50, 75, 100)
OBJETIVO = 1.1


# --- the stand-in in its own process ------------------------------------------------------------


def _simulador(conn: Connection, tareas: int, limite: str) -> None:
    """Answers the bench over a pipe: "429" (how many it sent, then forgets), "ventana" (a new one)."""
    from vetanco.sim.reten import RetenSim

    sim = RetenSim(tasks=tareas, seed=1, rate_limit=limite, client_id=CLIENTE).start()
    conn.send(sim.base_url)
    while (cmd := conn.recv()) != "fin":
        if cmd == "429":
            conn.send(sum(1 for *_, status in sim.requests if status == 429))
            sim.requests.clear()
        elif cmd == "ventana":
            sim.rate_limit = limite  # a fresh window for the next walk
            conn.send(True)
    sim.stop()


class Simulador:
    def __init__(self, tareas: int, limite: str) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._conn, hijo = ctx.Pipe()
        self._proc = ctx.Process(target=_simulador, args=(hijo, tareas, limite), daemon=True)
        self._proc.start()
        self.base_url: str = self._conn.recv()

    def pedir(self, cmd: str) -> int:
        self._conn.send(cmd)
        respuesta: int = self._conn.recv()
        return respuesta

    def cerrar(self) -> None:
        self._conn.send("fin")
        self._proc.join(timeout=15)
        if self._proc.is_alive():
            self._proc.kill()


# --- memory -------------------------------------------------------------------------------------


def memoria() -> tuple[float, float]:
    """Resident set and its high-water mark of this process, in MB (Linux /proc)."""
    campos = dict(
        linea.split(":", 1) for linea in Path("/proc/self/status").read_text().splitlines()
    )
    return tuple(int(campos[k].split()[0]) / 1024 for k in ("VmRSS", "VmHWM"))  # type: ignore[return-value]


# --- the walks ----------------------------------------------------------------------------------


def recorrido_base(base_url: str) -> tuple[float, int]:
    """Every page with httpx and nothing else, sleeping exactly what the headers ask: (s, pages)."""
    token = httpx.post(
        f"{base_url}/auth/token",
        data={"grant_type": "client_credentials", "client_id": CLIENTE, "client_secret": SECRETO},
    ).json()["access_token"]
    paginas, page, pages = 0, 1, 1
    started = time.perf_counter()
    with httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=30) as client:
        while page <= pages:
            r = client.get(f"{base_url}/tasks", params={"page": page, "limit": 100})
            if r.status_code == 429:
                time.sleep(float(r.headers["retry-after"]))
                continue
            r.raise_for_status()
            pages, paginas, page = r.json()["pagination"]["pages"], paginas + 1, page + 1
            if r.headers.get("x-ratelimit-remaining") == "0" and page <= pages:
                time.sleep(max(0.0, float(r.headers["x-ratelimit-reset"]) - time.time()))
    return time.perf_counter() - started, paginas


@dataclass
class Corrida:
    segundos: float
    paginas: int
    tareas: int
    rechazos: int
    rss: dict[int, float] = field(default_factory=dict)  # % of the walk → MB
    bloques: dict[int, int] = field(default_factory=dict)  # % of the walk → live Python blocks
    pico: float = 0.0


def sincronizacion(url: str, sim: Simulador) -> Corrida:
    """Our connector's full walk into a fresh database, RSS sampled as it goes."""
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=url,
        worker_enabled=False,
        reten_base_url=sim.base_url,
        reten_client_id=CLIENTE,
        reten_client_secret=SecretStr(SECRETO),
        log_level="WARNING",
    )
    db = Database(url)
    client = RetenClient(settings, metrics=Metrics())
    rss: dict[int, float] = {}
    bloques: dict[int, int] = {}

    def avance(page: int, pages: int) -> None:
        for marca in MARCAS:
            if marca not in rss and page * 100 >= marca * pages:
                gc.collect()
                rss[marca], bloques[marca] = memoria()[0], sys.getallocatedblocks()

    sim.pedir("ventana")
    sim.pedir("429")
    started = time.perf_counter()
    resumen = sincronizar(db, client, full=True, progress=avance)
    segundos = time.perf_counter() - started
    client.close()
    db.dispose()
    assert resumen.completed_walk, resumen
    rechazos = sim.pedir("429")
    return Corrida(segundos, resumen.pages, resumen.fetched, rechazos, rss, bloques, memoria()[1])


# --- table --------------------------------------------------------------------------------------


def main(
    tareas: int = typer.Option(100_000, help="Tareas en el Reten simulado"),
    limite: str = typer.Option("250/10s", help="Límite de Reten (ventana fija por cliente)"),
    corridas: int = typer.Option(3, help="Corridas (se informa la mediana)"),
    postgres: bool = typer.Option(False, help="PostgreSQL de VETANCO_TEST_POSTGRES_URL"),
    database_url: str = typer.Option("", help="Otra URL de servidor PostgreSQL"),
) -> None:
    cantidad, periodo = parse_rate(limite)
    por_segundo = cantidad / periodo
    admin = database_url or (os.environ.get("VETANCO_TEST_POSTGRES_URL", "") if postgres else "")
    bases = Bases(carpeta=carpeta_temporal(), postgres=bool(admin), postgres_admin=admin)
    console.print(f"[dim]Reten simulado con {tareas} tareas, límite {limite}…[/dim]")
    sim = Simulador(tareas, limite)
    try:
        sim.pedir("ventana")
        base_s, base_paginas = recorrido_base(sim.base_url)
        resultados = []
        for i in range(corridas):
            console.print(f"[dim]corrida {i + 1}/{corridas}…[/dim]")
            resultados.append(sincronizacion(bases.nueva(), sim))
    finally:
        sim.cerrar()
        bases.cerrar()
    _tabla(resultados, base_s, base_paginas, por_segundo, limite, bases.dialecto)


def _tabla(
    rs: list[Corrida],
    base_s: float,
    base_paginas: int,
    por_segundo: float,
    limite: str,
    dialecto: str,
) -> None:
    cota = rs[0].paginas / por_segundo
    bloques = [100 * (r.bloques[100] / r.bloques[MARCAS[0]] - 1) for r in rs]
    rss = [r.rss[100] - r.rss[MARCAS[0]] for r in rs]

    def marcas(campo: str, formato: str) -> str:
        medianas = (statistics.median(getattr(r, campo)[m] for r in rs) for m in MARCAS)
        return " → ".join(format(v, formato) for v in medianas)

    cifras = [
        Cifra(
            f"sincronización completa ({rs[0].tareas} tareas, {rs[0].paginas} páginas)",
            "s",
            [r.segundos for r in rs],
            [cota] * len(rs),
            f"≤ {OBJETIVO}× la cota",
            lambda v, b: b is not None and v <= OBJETIVO * b,
        ),
        Cifra(f"recorrido sin base, sólo httpx ({base_paginas} páginas)", "s", [base_s], [cota]),
        Cifra("429 recibidos por el conector", "", [float(r.rechazos) for r in rs]),
        Cifra("bloques Python vivos al 25/50/75/100 %", "", texto=marcas("bloques", ",")),
        Cifra(
            "bloques Python vivos: crecimiento 25 % → 100 %",
            "%",
            bloques,
            objetivo="plano (< 5 %)",
            cumple=lambda v, _b: v < 5,
        ),
        Cifra("RSS al 25/50/75/100 % (MB)", "", texto=marcas("rss", ".0f")),
        Cifra("RSS: crecimiento 25 % → 100 %", "MB", rss),
        Cifra("RSS: pico del proceso", "MB", [r.pico for r in rs]),
    ]
    nota = (
        f"{len(rs)} corridas, base de datos nueva en cada una ({dialecto}); límite {limite} = "
        f"{por_segundo:g} pedidos/s, cota = páginas ÷ tasa permitida = {cota:.1f} s."
    )
    tabla("Conector Reten — sincronización completa", cifras, nota=nota)


if __name__ == "__main__":
    typer.run(main)
