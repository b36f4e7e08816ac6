"""Several processes from one command: `serve --workers N` (API) and `worker --concurrency K`."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.process import BaseProcess
from typing import Any

import structlog
from sqlalchemy.engine import make_url

from vetanco.config import Settings, get_settings

log = structlog.get_logger(__name__)

APP_FACTORY = "vetanco.app:create_app_from_env"
METRICS_DIR = "PROMETHEUS_MULTIPROC_DIR"
RESTART_PAUSE = 1.0


class ScaleError(Exception):
    """A process layout that would serve wrong answers, refused before anything starts."""


def check_api_workers(settings: Settings, workers: int) -> list[str]:
    """Refuses what cannot be shared between processes; returns warnings for what only works slower."""
    warnings: list[str] = []
    if workers <= 1:
        return warnings
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite":
        if url.database in (None, "", ":memory:") or url.query.get("mode") == "memory":
            raise ScaleError(
                "--workers > 1 necesita una base compartida: SQLite en memoria es una base "
                "distinta por proceso. Usá un archivo SQLite o PostgreSQL."
            )
        warnings.append(
            "SQLite admite un único escritor a la vez: los procesos esperan su turno para "
            "escribir. Para escalar de verdad, PostgreSQL."
        )
    if not settings.redis_url:
        warnings.append(
            f"Sin VETANCO_REDIS_URL cada proceso cuenta su propio límite: hasta {workers} × "
            f"{settings.rate_limit} por API key."
        )
    return warnings


@contextmanager
def _environ(**values: str) -> Iterator[None]:
    """Environment for the children about to be spawned, restored afterwards."""
    before = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextmanager
def shared_metrics_dir() -> Iterator[str]:
    """One PROMETHEUS_MULTIPROC_DIR for every child so /metrics sums them; a fresh one unless set."""
    current = os.environ.get(METRICS_DIR)
    if current:
        os.makedirs(current, exist_ok=True)
        yield current
        return
    path = tempfile.mkdtemp(prefix="vetanco-metrics-")
    try:
        with _environ(**{METRICS_DIR: path}):
            yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def serve_api_workers(
    settings: Settings, *, host: str, port: int, workers: int, background: bool
) -> None:
    """N uvicorn processes on one socket; each builds its app from the environment it inherits."""
    import uvicorn

    from vetanco.web.sesion import clave_de_sesion

    clave_de_sesion(settings)  # the panel's key file is written once here, not raced for by N
    with (
        _environ(VETANCO_WORKER_ENABLED="true" if background else "false"),
        shared_metrics_dir(),
    ):
        uvicorn.run(
            APP_FACTORY,
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
            timeout_worker_healthcheck=settings.api_worker_healthcheck,
        )


def run_worker_loop() -> None:
    """One background loop until SIGTERM or SIGINT: `vetanco worker` itself, or one of its children."""
    from vetanco.db import Database
    from vetanco.observability import configurar_proceso
    from vetanco.wake import wake_dispatcher
    from vetanco.worker import BackgroundWorker

    settings = get_settings()
    configurar_proceso(settings)
    stop = threading.Event()

    def _stop(*_: object) -> None:
        stop.set()
        wake_dispatcher()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    database = Database(settings.database_url)
    background = BackgroundWorker(database, settings)
    try:
        background.run_forever(stop)
    finally:
        background.close()
        database.dispose()


def _forget(pid: int | None) -> None:
    """Drops a finished child's live gauges from the shared metrics directory."""
    if pid is None or not os.environ.get(METRICS_DIR):
        return
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]


class WorkerPool:
    """K processes, each a whole background loop; one that dies is replaced, a signal stops them all."""

    def __init__(self, concurrency: int, *, grace: float) -> None:
        self.concurrency = concurrency
        self.grace = grace
        self.stop = threading.Event()
        self.children: list[BaseProcess] = []
        self._context = multiprocessing.get_context("spawn")

    def _spawn(self) -> BaseProcess:
        child: BaseProcess = self._context.Process(target=run_worker_loop, name="vetanco-worker")
        child.start()
        return child

    def _on_signal(self, *_: Any) -> None:
        self.stop.set()

    def run(self) -> None:
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        self.children = [self._spawn() for _ in range(self.concurrency)]
        log.info("worker_pool_started", pids=[c.pid for c in self.children])
        while not self.stop.wait(0.2):
            for index, child in enumerate(self.children):
                if child.is_alive() or self.stop.is_set():
                    continue
                log.warning("worker_process_died", pid=child.pid, exitcode=child.exitcode)
                _forget(child.pid)
                if self.stop.wait(RESTART_PAUSE):
                    break
                self.children[index] = self._spawn()
        self._shutdown()

    def _shutdown(self) -> None:
        """SIGTERM lets each child finish its batch; past the grace period it is killed (leases expire)."""
        for child in self.children:
            if child.is_alive() and child.pid is not None:
                os.kill(child.pid, signal.SIGTERM)
        deadline = time.monotonic() + self.grace
        for child in self.children:
            child.join(max(0.0, deadline - time.monotonic()))
            if child.is_alive():
                child.kill()
                child.join()
            _forget(child.pid)
