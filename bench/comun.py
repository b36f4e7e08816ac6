"""What the benchmarks share: servers in their own process, fresh databases, and one table of
medians with their ratio to the baseline (the load generator is in carga.py).

Every server a benchmark compares (ours and its baseline) is started by `Servidor` through the
same `serve` below, so they run with identical uvicorn settings: one process, uvloop, httptools,
real sockets on 127.0.0.1.

    uv run python bench/comun.py MODULE:FACTORY --port 8123 [--perfil out.prof]
"""

from __future__ import annotations

import contextlib
import cProfile
import importlib
import os
import pstats
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Annotated, Any, Self

import typer
import uvicorn
from carga import HOST
from rich.console import Console
from rich.table import Table
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

console = Console() if sys.stdout.isatty() else Console(width=120)
UVICORN = {"host": HOST, "loop": "uvloop", "http": "httptools", "log_level": "warning"}


# --- options every server benchmark takes --------------------------------------------------

Runs = Annotated[int, typer.Option(help="Corridas; se informa la mediana")]
DatabaseUrl = Annotated[
    str, typer.Option(help="Base a usar (por defecto un SQLite nuevo por corrida)")
]
Postgres = Annotated[bool, typer.Option(help="PostgreSQL: una base nueva por corrida")]
PostgresAdmin = Annotated[
    str,
    typer.Option(envvar="VETANCO_TEST_POSTGRES_URL", help="Servidor PostgreSQL para --postgres"),
]
Perfil = Annotated[
    Path | None,
    typer.Option(
        help="Perfilar sólo nuestro servidor, una corrida: .prof (cProfile) o .html (pyinstrument)"
    ),
]


def sembrar(db: Any, settings: Any, casos: int) -> None:
    """Tops a database up to `casos` demo cases and brings the daily totals up to date."""
    from rich.progress import Progress
    from sqlalchemy import func, select

    from vetanco.casos.models import Caso
    from vetanco.demo.service import Sembrador
    from vetanco.estadisticas import acumulado
    from vetanco.politicas import Politicas

    with db.session(write=False) as session:
        existentes = session.scalar(select(func.count()).select_from(Caso)) or 0
    if existentes < casos:
        sembrador = Sembrador(
            casos=casos - existentes, semilla=7, anios=3, politicas=Politicas.desde(settings)
        )
        with db.transaction() as session:
            sembrador.personas(session)
        inicio = time.perf_counter()
        with Progress(console=console, transient=True) as progress:
            tarea = progress.add_task("Sembrando casos", total=sembrador.total)
            while sembrador.hechos < sembrador.total:
                with db.transaction() as session:
                    progress.advance(tarea, sembrador.siguiente_lote(session, tamano=5000))
        segundos = time.perf_counter() - inicio
        console.print(f"{sembrador.total:,} casos sembrados en {segundos:.0f} s")
    else:
        console.print(f"La base ya tiene {existentes:,} casos; no se siembra.")
    while True:
        with db.transaction() as session:
            if not acumulado.refrescar(session):
                break


def percentil(values: Sequence[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def carpeta_temporal() -> Path:
    return Path(tempfile.mkdtemp(prefix="vetanco-bench-"))


def sqlite_temporal(nombre: str = "bench.db") -> str:
    return f"sqlite:///{carpeta_temporal() / nombre}"


def puerto_libre() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


# --- servers ----------------------------------------------------------------------------------


def app_vetanco() -> Any:
    """What `vetanco serve` runs: settings from the environment, its logging, the app and its worker."""
    from vetanco.app import create_app
    from vetanco.config import get_settings
    from vetanco.observability import configurar_proceso

    settings = get_settings()
    configurar_proceso(settings)
    return create_app(settings)


@dataclass
class Servidor:
    """One server in its own process, started and stopped like `vetanco serve` would be."""

    app: str  # module:factory
    env: Mapping[str, str]
    carpeta: Path
    nombre: str
    perfil: Path | None = None
    port: int = 0
    _proc: subprocess.Popen[bytes] | None = None

    @property
    def log(self) -> Path:
        return self.carpeta / f"{self.nombre}.log"

    def cpu(self) -> float:
        """CPU seconds the server process has used so far (Linux), steadier than rates on a busy
        machine; NaN where /proc is missing."""
        try:
            assert self._proc is not None
            fields = Path(f"/proc/{self._proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, AssertionError):
            return float("nan")
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def __enter__(self) -> Self:
        self.port = puerto_libre()
        cmd = [sys.executable, str(Path(__file__).resolve()), self.app, "--port", str(self.port)]
        if self.perfil:
            cmd += ["--perfil", str(self.perfil)]
        path = os.pathsep.join(
            filter(None, [str(Path(__file__).parent), os.environ.get("PYTHONPATH")])
        )
        env = {**os.environ, "PYTHONPATH": path, **self.env}
        with self.log.open("ab") as log:
            self._proc = subprocess.Popen(  # noqa: S603
                cmd, env=env, cwd=self.carpeta, stdout=log, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + 60
        while True:
            if self._proc.poll() is not None or time.monotonic() > deadline:
                tail = self.log.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"{self.nombre} no arrancó:\n{tail}")
            with contextlib.suppress(OSError), socket.create_connection((HOST, self.port), 0.2):
                return self
            time.sleep(0.05)

    def __exit__(self, *_exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        if self._proc is None:
            return
        self._proc.send_signal(signal.SIGINT)
        try:
            self._proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._proc = None


@contextlib.contextmanager
def _perfilando(destino: Path) -> Iterator[None]:
    """cProfile of CPU time (not waits) in every thread — event loop, thread pool, worker — merged
    into one .prof file."""
    perfiles = [cProfile.Profile(time.thread_time)]

    def en_hilo(*_args: Any) -> None:
        sys.setprofile(None)
        perfil = cProfile.Profile(time.thread_time)
        perfiles.append(perfil)
        perfil.enable()

    threading.setprofile(en_hilo)
    perfiles[0].enable()
    try:
        yield
    finally:
        threading.setprofile(None)
        perfiles[0].disable()
        stats = pstats.Stats(perfiles[0])
        for perfil in perfiles[1:]:
            perfil.disable()
            stats.add(perfil)
        stats.dump_stats(destino)


@contextlib.contextmanager
def _muestreando(destino: Path) -> Iterator[None]:
    """pyinstrument, a sampling profiler that follows coroutines across awaits: the event loop's
    call tree in wall time (HTML in `destino`, the text tree next to it). Threads are not in it;
    the cProfile variant (.prof) covers them."""
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005, async_mode="enabled")
    profiler.start()
    try:
        yield
    finally:
        profiler.stop()
        destino.write_text(profiler.output_html())
        destino.with_suffix(".txt").write_text(profiler.output_text(show_all=False))


def serve(
    app: str = typer.Argument(..., help="módulo:fábrica de la app ASGI"),
    port: int = typer.Option(..., help="Puerto en 127.0.0.1"),
    perfil: Path | None = typer.Option(
        None, help="Perfil al terminar: .prof = cProfile de todos los hilos, .html = pyinstrument"
    ),
) -> None:
    """The one way every benchmarked server starts, so ours and the baseline differ only in the app."""
    module, _, attr = app.partition(":")
    factory = getattr(importlib.import_module(module), attr)
    perfilando: Any = contextlib.nullcontext()
    if perfil:
        perfilando = _muestreando(perfil) if perfil.suffix == ".html" else _perfilando(perfil)
    with perfilando:
        uvicorn.run(factory, factory=True, port=port, **UVICORN)


def mostrar_perfil(archivo: Path, *, filas: int = 35) -> None:
    """The functions that take the most time themselves, then the heaviest call trees."""
    if archivo.suffix == ".html":
        console.print(archivo.with_suffix(".txt").read_text())
        console.print(f"perfil interactivo: {archivo}")
        return
    stats = pstats.Stats(str(archivo))
    stats.sort_stats("tottime").print_stats(filas)
    stats.sort_stats("cumulative").print_stats(filas)


# --- databases --------------------------------------------------------------------------------


class Bases:
    """A fresh migrated database per run: a copy of a migrated SQLite file, or a PostgreSQL
    database cloned from a migrated template. An explicit --database-url is reused as is."""

    def __init__(
        self,
        *,
        carpeta: Path,
        database_url: str = "",
        postgres: bool = False,
        postgres_admin: str = "",
        preparar: Callable[[str], None] | None = None,
    ) -> None:
        from vetanco import migrations

        self.carpeta, self.fija, self._n = carpeta, database_url, 0
        self._admin = None
        self._creadas: list[str] = []
        if database_url:
            migrations.upgrade(database_url)
            self.plantilla = database_url
        elif postgres:
            if not postgres_admin:
                raise typer.BadParameter("--postgres necesita VETANCO_TEST_POSTGRES_URL o una URL")
            self._admin = create_engine(postgres_admin, isolation_level="AUTOCOMMIT")
            self._base = make_url(postgres_admin)
            self._prefijo = f"vetanco_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
            self.plantilla = self._crear(f"{self._prefijo}_plantilla")
            migrations.upgrade(self.plantilla)
        else:
            self.plantilla = f"sqlite:///{carpeta / 'plantilla.db'}"
            migrations.upgrade(self.plantilla)
        if preparar:
            preparar(self.plantilla)
        if not database_url and not postgres:
            with sqlite3.connect(carpeta / "plantilla.db") as conn:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    @property
    def dialecto(self) -> str:
        return make_url(self.plantilla).get_backend_name()

    def _crear(self, nombre: str, plantilla: str | None = None) -> str:
        assert self._admin is not None
        with self._admin.connect() as conn:
            extra = f' TEMPLATE "{plantilla}"' if plantilla else ""
            conn.execute(text(f'CREATE DATABASE "{nombre}"{extra}'))
        self._creadas.append(nombre)
        return self._base.set(database=nombre).render_as_string(hide_password=False)

    def nueva(self) -> str:
        """A database no earlier run has touched (except with an explicit --database-url)."""
        self._n += 1
        if self.fija:
            return self.fija
        if self._admin is not None:
            return self._crear(f"{self._prefijo}_{self._n}", f"{self._prefijo}_plantilla")
        destino = self.carpeta / f"corrida-{self._n}.db"
        shutil.copyfile(self.carpeta / "plantilla.db", destino)
        return f"sqlite:///{destino}"

    def cerrar(self, *, borrar: bool | None = None) -> None:
        """Drops the PostgreSQL databases; `borrar=True` also removes the folder, `False` keeps it
        (after a failure, for its server logs) and says where it is."""
        if self._admin is not None:
            with self._admin.connect() as conn:
                for nombre in reversed(self._creadas):
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{nombre}" WITH (FORCE)'))
            self._admin.dispose()
        if borrar:
            shutil.rmtree(self.carpeta, ignore_errors=True)
        elif borrar is False:
            console.print(f"Registros de los servidores en {self.carpeta}")


# --- results ----------------------------------------------------------------------------------


@dataclass
class Cifra:
    """One figure measured once per run, next to the baseline measured in the same runs."""

    nombre: str
    unidad: str
    valores: list[float] = field(default_factory=list)
    base: list[float] = field(default_factory=list)
    objetivo: str = ""
    cumple: Callable[[float, float | None], bool] | None = None
    texto: str | None = None  # a yes/no figure instead of a number

    def fila(self) -> list[str]:
        if self.texto is not None:
            return [self.nombre, self.texto, "", "", "", self.objetivo]
        valor = statistics.median(self.valores)
        base = statistics.median(self.base) if self.base else None
        ratio = f"{valor / base:.2f}" if base else ""
        rango = f"{min(self.valores):.1f}–{max(self.valores):.1f}" if len(self.valores) > 1 else ""
        objetivo = self.objetivo
        if self.cumple is not None and objetivo:
            ok = self.cumple(valor, base)
            objetivo = f"{objetivo} {'[green]sí[/green]' if ok else '[red]no[/red]'}"
        base_txt = f"{base:.1f}" if base is not None else ""
        return [self.nombre, f"{valor:.1f} {self.unidad}", rango, base_txt, ratio, objetivo]


def tabla(titulo: str, cifras: Sequence[Cifra], *, nota: str = "") -> None:
    """Medians of the runs, their spread, the baseline's median and the ratio to it."""
    table = Table(title=titulo, caption=nota or None)
    for col in ("cifra", "mediana", "rango", "línea de base", "× base", "objetivo"):
        table.add_column(col, justify="left" if col in ("cifra", "objetivo") else "right")
    for cifra in cifras:
        table.add_row(*cifra.fila())
    console.print(table)


if __name__ == "__main__":
    typer.run(serve)
