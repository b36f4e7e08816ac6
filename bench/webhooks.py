"""Outgoing webhooks: deliveries per second from real `vetanco worker` processes to a local
receiver, and commit→receipt lag at a fixed offered load.

Each run gets a fresh database (on PostgreSQL a new database, dropped at the end). Events go
through the app's own outbox path (`service.emitir`: the event and its delivery rows in the
caller's transaction). The receiver is the loopback stand-in (`vetanco.sim.receiver`) in a
process of its own, so neither the emitter nor the workers share its GIL. Figures of one run:

  * throughput: a backlog of N events committed in one transaction while the workers idle,
    delivered by 2 (and, for comparison, 1) `vetanco worker` process(es): deliveries ÷ (last
    receipt − first receipt). Baseline: the same number of POSTs of the same size straight to
    the same receiver with httpx at the same total concurrency (2 × VETANCO_WORKER_CONCURRENCY);
  * lag: events committed one per transaction at a steady rate while 2 workers run; receipt
    time − commit time, p50/p99. Baseline: the same POSTs at the same rate straight to the
    receiver, receipt time − scheduled time;
  * CPU per delivery of the worker processes (steadier than rates on a busy machine), next to
    the httpx client's CPU per POST in the baseline;
  * exactly once: every webhook-id the receiver answered 2xx during the 2-worker phase, counted
    (none twice, none missing) and checked against the rows marked delivered.

Goal of issue 10: ≥ 1 000 deliveries/s with two workers on PostgreSQL.

    uv run python bench/webhooks.py                           # VETANCO_TEST_POSTGRES_URL
    uv run python bench/webhooks.py --sqlite --eventos 10000 --corridas 5
    uv run python bench/webhooks.py --perfil /tmp/wh          # cProfile of each worker process
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

import httpx
import typer
from comun import Bases, Cifra, _perfilando, carpeta_temporal, console, mostrar_perfil, percentil
from comun import tabla as imprimir_tabla
from sqlalchemy import func, select

from vetanco.db import Database
from vetanco.webhooks import service
from vetanco.webhooks.events import Evento
from vetanco.webhooks.models import WebhookDelivery
from vetanco.webhooks.schemas import WebhookCreate

OBJETIVO = 1000.0
CALENTAR = 20  # events delivered before each measurement, so every worker is past its imports
PERFIL_ENV = "VETANCO_BENCH_PERFIL"  # bench harness only: where a worker writes its cProfile


# --- receiver in its own process ----------------------------------------------------------------


def _receptor(conn: Connection) -> None:
    """The stand-in receiver, answering the bench's commands over a pipe."""
    from vetanco.sim.receiver import Receiver

    receiver = Receiver().start()
    conn.send(receiver.url)
    while (cmd := conn.recv()) != "fin":
        if cmd == "cuenta":
            conn.send(len(receiver.received))
        elif cmd == "vaciar":
            conn.send(
                [
                    (r.at, r.headers.get("webhook-id", ""), r.status, r.body)
                    for r in receiver.snapshot()
                ]
            )
            receiver.received.clear()
    receiver.stop()


@dataclass(frozen=True, slots=True)
class Recibido:
    at: float
    webhook_id: str
    status: int
    seq: int


class Receptor:
    def __init__(self) -> None:
        ctx = multiprocessing.get_context("spawn")
        self._conn, hijo = ctx.Pipe()
        self._proc = ctx.Process(target=_receptor, args=(hijo,), daemon=True)
        self._proc.start()
        self.url: str = self._conn.recv()
        self.historial: list[Recibido] = []

    def cuenta(self) -> int:
        self._conn.send("cuenta")
        n: int = self._conn.recv()
        return n

    def vaciar(self) -> list[Recibido]:
        """Everything received since the last call (also kept in `historial`)."""
        self._conn.send("vaciar")
        crudos = self._conn.recv()
        recibidos = [
            Recibido(at, wid, st, json.loads(b)["data"]["seq"]) for at, wid, st, b in crudos
        ]
        self.historial += recibidos
        return recibidos

    def esperar(self, n: int, *, timeout: float = 600) -> None:
        deadline = time.monotonic() + timeout
        while (tiene := self.cuenta()) < n:
            if time.monotonic() > deadline:
                raise TimeoutError(f"el receptor tiene {tiene} de {n}")
            time.sleep(0.05)

    def cerrar(self) -> None:
        with suppress(OSError):
            self._conn.send("fin")
        self._proc.join(timeout=15)
        if self._proc.is_alive():
            self._proc.kill()


# --- events through the outbox, and the baseline's bodies ---------------------------------------


def _data(seq: int, relleno: int) -> dict[str, object]:
    return {"numero_caso": f"VET-{seq:07d}", "seq": seq, "descripcion": "x" * relleno}


def emitir(db: Database, seqs: range, *, claves: int, relleno: int) -> float:
    """Events in ONE transaction, as the app writes them; returns the commit instant."""
    with db.transaction() as session:
        for seq in seqs:
            service.emitir(
                session,
                evento=Evento.caso_creado,
                data=_data(seq, relleno),
                clave=f"VET-{seq % claves:07d}",
            )
    return time.time()


def cuerpo(seq: int, relleno: int) -> bytes:
    """The size of what the workers send: the same envelope around the same data."""
    body = {"event": "caso.creado", "timestamp": "2025-01-01T00:00:00.000000Z"}
    return json.dumps({**body, "data": _data(seq, relleno)}, separators=(",", ":")).encode()


# --- worker processes ---------------------------------------------------------------------------


@dataclass
class Opciones:
    eventos: int
    tasa: float
    segundos_lag: float
    concurrencia: int
    poll: float
    claves: int
    relleno: int
    perfil: Path | None
    carpeta: Path = field(default_factory=carpeta_temporal)

    @property
    def n_lag(self) -> int:
        return int(self.tasa * self.segundos_lag)


def cpu(pids: list[int]) -> float:
    """CPU seconds these processes have used so far (Linux /proc)."""
    total = 0.0
    for pid in pids:
        with suppress(OSError):
            campos = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(campos[11]) + int(campos[12])) / os.sysconf("SC_CLK_TCK")
    return total


@contextmanager
def trabajadores(n: int, url: str, op: Opciones) -> Iterator[list[int]]:
    """N `vetanco worker` processes (or the same loop under cProfile with --perfil); their pids."""
    procesos = []
    for i in range(n):
        env = {
            **os.environ,
            "VETANCO_DATABASE_URL": url,
            "VETANCO_WEBHOOK_ALLOW_PRIVATE": "true",
            "VETANCO_WORKER_CONCURRENCY": str(op.concurrencia),
            "VETANCO_WORKER_POLL_INTERVAL": str(op.poll),
            "VETANCO_LOG_LEVEL": "WARNING",
            "VETANCO_STORAGE_DIR": str(op.carpeta / "storage"),
        }
        cmd = [sys.executable, "-m", "vetanco.cli", "worker"]
        if op.perfil:
            op.perfil.mkdir(parents=True, exist_ok=True)
            env[PERFIL_ENV] = str(op.perfil / f"worker-{n}-{time.time_ns()}-{i}.prof")
            cmd = [sys.executable, str(Path(__file__).resolve())]
        with (op.carpeta / f"worker-{i}.log").open("ab") as log:
            procesos.append(
                subprocess.Popen(  # noqa: S603
                    cmd,
                    env=env,
                    cwd=op.carpeta,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
    try:
        yield [p.pid for p in procesos]
    finally:
        for proc in procesos:
            proc.send_signal(signal.SIGTERM)
        for proc in procesos:
            with suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=30)
            with suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def _trabajador_perfilado(destino: str) -> None:
    from vetanco.escalado import run_worker_loop

    with _perfilando(Path(destino)):
        run_worker_loop()


# --- phases -------------------------------------------------------------------------------------


def por_segundo(recibidos: list[Recibido]) -> float:
    ats = sorted(r.at for r in recibidos)
    return (len(ats) - 1) / (ats[-1] - ats[0]) if len(ats) > 1 else 0.0


@dataclass
class Base:
    por_segundo: float
    cpu_por_post: float  # µs of this process per POST, httpx client and threads
    lags: list[float]


def linea_de_base(receptor: Receptor, op: Opciones) -> Base:
    """Direct POSTs: as fast as 2 × concurrency threads go, then at the lag phase's steady rate."""
    headers = {"content-type": "application/json"}
    rapidos = [cuerpo(i, op.relleno) for i in range(op.eventos)]
    lentos = [cuerpo(i, op.relleno) for i in range(op.n_lag)]
    receptor.vaciar()
    with httpx.Client() as client, ThreadPoolExecutor(2 * op.concurrencia) as pool:

        def post(body: bytes) -> None:
            client.post(receptor.url + "/base", content=body, headers=headers)

        antes = time.process_time()
        list(pool.map(post, rapidos))
        cpu_por_post = (time.process_time() - antes) / op.eventos * 1e6
        rapido = por_segundo(receptor.vaciar())
        t0 = time.time() + 0.05
        for i, body in enumerate(lentos):
            time.sleep(max(0.0, t0 + i / op.tasa - time.time()))
            pool.submit(post, body)
        receptor.esperar(op.n_lag)
    lags = [(r.at - (t0 + r.seq / op.tasa)) * 1000 for r in receptor.vaciar()]
    return Base(rapido, cpu_por_post, lags)


def suscribir(url: str, receptor: Receptor) -> Database:
    db = Database(url)
    with db.transaction() as session:
        service.crear_endpoint(
            session,
            data=WebhookCreate(url=receptor.url + "/hook", events=["*"]),
            allow_private=True,
        )
    return db


def drenar(db: Database, receptor: Receptor, op: Opciones, pids: list[int]) -> tuple[float, float]:
    """A warm-up, then a backlog committed at once: deliveries/s and worker CPU µs per delivery."""
    emitir(db, range(CALENTAR), claves=op.claves, relleno=op.relleno)
    receptor.esperar(CALENTAR)
    time.sleep(1.0)  # every process past its imports and polling
    receptor.vaciar()
    seqs = range(CALENTAR, CALENTAR + op.eventos)
    emitir(db, seqs, claves=op.claves, relleno=op.relleno)
    antes = cpu(
        pids
    )  # from the commit on: the workers' idle polls while it was written don't count
    receptor.esperar(op.eventos)
    gastado = cpu(pids) - antes
    return por_segundo(receptor.vaciar()), gastado / op.eventos * 1e6


def lag(db: Database, receptor: Receptor, op: Opciones) -> list[float]:
    """One event per transaction at a steady rate while the workers run: commit → receipt."""
    seq0 = CALENTAR + op.eventos
    commits: dict[int, float] = {}
    t0 = time.time() + 0.05
    for i in range(seq0, seq0 + op.n_lag):
        time.sleep(max(0.0, t0 + (i - seq0) / op.tasa - time.time()))
        commits[i] = emitir(db, range(i, i + 1), claves=op.claves, relleno=op.relleno)
    receptor.esperar(op.n_lag)
    return [(r.at - commits[r.seq]) * 1000 for r in receptor.vaciar()]


@dataclass
class Corrida:
    base: Base
    dos: float
    cpu_dos: float
    uno: float
    lags: list[float]
    una_vez: tuple[int, int, int]  # distinct ids answered 2xx, duplicates, rows delivered


def una_corrida(bases: Bases, receptor: Receptor, op: Opciones) -> Corrida:
    base = linea_de_base(receptor, op)
    db = suscribir(bases.nueva(), receptor)
    receptor.historial = []
    with trabajadores(2, db.url, op) as pids:
        dos, cpu_dos = drenar(db, receptor, op, pids)
        lags = lag(db, receptor, op)
        time.sleep(0.5)  # a duplicate would arrive now
    receptor.vaciar()
    ids = [r.webhook_id for r in receptor.historial if 200 <= r.status < 300]
    with db.transaction(write=False) as session:
        filas = select(func.count()).where(WebhookDelivery.estado == "entregada")
        entregadas = session.scalar(filas) or 0
    db.dispose()
    db = suscribir(bases.nueva(), receptor)
    with trabajadores(1, db.url, op) as pids:
        uno, _ = drenar(db, receptor, op, pids)
    db.dispose()
    una_vez = (len(set(ids)), len(ids) - len(set(ids)), entregadas)
    return Corrida(base, dos, cpu_dos, uno, lags, una_vez)


# --- table --------------------------------------------------------------------------------------


def _una_vez(corridas: list[Corrida], op: Opciones) -> str:
    esperadas = CALENTAR + op.eventos + op.n_lag
    malas = [c.una_vez for c in corridas if c.una_vez != (esperadas, 0, esperadas)]
    if not malas:
        return f"[green]sí[/green] ({len(corridas)} × {esperadas} webhook-id, ninguno repetido)"
    return "[red]NO[/red] " + ", ".join(
        f"{d}/{esperadas}, {dup} dup, {e} en la base" for d, dup, e in malas
    )


def _tabla(nombre: str, rs: list[Corrida], op: Opciones) -> None:
    base = [r.base.por_segundo for r in rs]
    cifras = [
        Cifra(
            f"entregas/s, 2 workers × {op.concurrencia}",
            "/s",
            [r.dos for r in rs],
            base,
            f"≥ {OBJETIVO:.0f}/s",
            lambda v, _b: v >= OBJETIVO,
        ),
        Cifra(f"entregas/s, 1 worker × {op.concurrencia}", "/s", [r.uno for r in rs], base),
        Cifra(
            f"lag commit→recepción p50 a {op.tasa:.0f}/s",
            "ms",
            [percentil(r.lags, 50) for r in rs],
            [percentil(r.base.lags, 50) for r in rs],
        ),
        Cifra(
            f"lag commit→recepción p99 a {op.tasa:.0f}/s",
            "ms",
            [percentil(r.lags, 99) for r in rs],
            [percentil(r.base.lags, 99) for r in rs],
        ),
        Cifra(
            "CPU de los workers por entrega",
            "µs",
            [r.cpu_dos for r in rs],
            [r.base.cpu_por_post for r in rs],
        ),
        Cifra("cada entrega exactamente una vez", "", texto=_una_vez(rs, op)),
    ]
    nota = (
        f"{len(rs)} corridas, base nueva en cada una; cola de {op.eventos} eventos de "
        f"{op.claves} casos, cuerpo de {len(cuerpo(0, op.relleno))} B; worker: concurrencia "
        f"{op.concurrencia}, poll {op.poll} s. Línea de base: httpx directo al mismo receptor "
        "(su CPU: la del cliente httpx por POST)."
    )
    imprimir_tabla(f"Webhooks salientes — {nombre}", cifras, nota=nota)


def main(
    eventos: int = typer.Option(4000, help="Eventos de la cola acumulada, por fase"),
    tasa: float = typer.Option(200.0, help="Eventos/s confirmados durante la medición de lag"),
    segundos_lag: float = typer.Option(8.0, help="Duración de la medición de lag (s)"),
    corridas: int = typer.Option(3, help="Corridas (se informa la mediana)"),
    concurrencia: int = typer.Option(8, help="VETANCO_WORKER_CONCURRENCY de cada worker"),
    poll: float = typer.Option(0.1, help="VETANCO_WORKER_POLL_INTERVAL de cada worker (s)"),
    claves: int = typer.Option(0, help="Casos distintos (orden por caso); 0 = eventos ÷ 5"),
    relleno: int = typer.Option(600, help="Bytes de relleno en cada evento (~0,7 KB en total)"),
    database_url: str = typer.Option(
        os.environ.get("VETANCO_TEST_POSTGRES_URL", ""),
        help="Servidor PostgreSQL (una base nueva por corrida, borrada al final)",
    ),
    sqlite: bool = typer.Option(False, help="También con SQLite (archivo nuevo por corrida)"),
    perfil: Path | None = typer.Option(None, help="Carpeta: un cProfile por proceso worker"),
) -> None:
    claves = claves or max(1, eventos // 5)
    op = Opciones(eventos, tasa, segundos_lag, concurrencia, poll, claves, relleno, perfil)
    dialectos = [("PostgreSQL", database_url)] if database_url else []
    if sqlite or not database_url:
        dialectos.append(("SQLite", ""))
    receptor = Receptor()
    try:
        for nombre, admin in dialectos:
            bases = Bases(carpeta=op.carpeta, postgres=bool(admin), postgres_admin=admin)
            try:
                resultados = []
                for i in range(corridas):
                    console.print(f"[dim]{nombre}: corrida {i + 1}/{corridas}…[/dim]")
                    resultados.append(una_corrida(bases, receptor, op))
            finally:
                bases.cerrar()
            _tabla(nombre, resultados, op)
    finally:
        receptor.cerrar()
    for archivo in sorted(perfil.glob("*.prof")) if perfil else []:
        console.print(f"[bold]{archivo}[/bold]")
        mostrar_perfil(archivo, filas=25)


if __name__ == "__main__":
    if os.environ.get(PERFIL_ENV):
        _trabajador_perfilado(os.environ[PERFIL_ENV])
    else:
        typer.run(main)
