"""Reten connector: sync throughput against the rate-limit bound, and freshness with webhooks on and off.

Everything runs against the Reten stand-in on loopback, measured in the same run:
  * throughput: a full reconcile of N tasks under a rate limit; the bound is limit × 100 tasks/page;
  * freshness: time from a change in Reten to the change in our mirror, p50/p95, with webhooks
    (inbox applied by the worker) and with webhooks dropped (only the periodic poll).

    uv run python bench/reten_sync.py --tasks 3000 --rate-limit 600/minute
"""

from __future__ import annotations

import statistics
import threading
import time

import typer
from comun import console, percentil, sqlite_temporal
from pydantic import SecretStr

from vetanco import migrations
from vetanco.app import create_app
from vetanco.config import Settings
from vetanco.db import Database
from vetanco.reten.client import RetenClient
from vetanco.reten.metrics import Metrics
from vetanco.reten.models import TareaReten
from vetanco.reten.sync import sincronizar
from vetanco.reten.tasks import RetenInbox
from vetanco.sim.reten import RetenSim, parse_iso
from vetanco.sim.server import ThreadedServer

SECRET = "bench-secreto"  # noqa: S105


def _settings(url: str, sim: RetenSim) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=url,
        worker_enabled=False,
        reten_base_url=sim.base_url,
        reten_client_id="sim-client",
        reten_client_secret=SecretStr("sim-secret"),
        reten_webhook_secret=SecretStr(SECRET),
        reten_backoff_base=0.05,
    )


def _wait_visible(db: Database, task_id: str, updated_at: str, timeout: float = 30) -> float:
    target = parse_iso(updated_at)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with db.transaction(write=False) as session:
            tarea = session.get(TareaReten, task_id)
            if (
                tarea is not None
                and tarea.remote_updated_at is not None
                and tarea.remote_updated_at >= target
            ):
                return time.monotonic()
        time.sleep(0.01)
    raise TimeoutError(task_id)


def _freshness(
    db: Database, sim: RetenSim, apply: threading.Thread | None, changes: int
) -> list[float]:
    ids = sorted(sim.snapshot())[:changes]
    lags = []
    for task_id in ids:
        started = time.monotonic()
        updated = sim.update_task(task_id, status="in_progress")
        lags.append((_wait_visible(db, task_id, updated["updated_at"]) - started) * 1000)
    return lags


def main(
    tasks: int = typer.Option(3000, help="Tareas en el Reten simulado"),
    rate_limit: str = typer.Option("600/minute", help="Límite de Reten"),
    changes: int = typer.Option(30, help="Cambios medidos por modo"),
    poll_interval: float = typer.Option(
        2.0, help="Intervalo de polling cuando no hay webhooks (s)"
    ),
) -> None:
    url = sqlite_temporal()
    migrations.upgrade(url)
    sim = RetenSim(tasks=tasks, seed=1, rate_limit=rate_limit).start()
    settings = _settings(url, sim)
    db = Database(url)
    client = RetenClient(settings, metrics=Metrics())

    started = time.perf_counter()
    resumen = sincronizar(db, client, full=True)
    elapsed = time.perf_counter() - started
    amount, seconds = rate_limit.split("/")
    per_second = float(amount) / {"second": 1, "minute": 60, "hour": 3600}[seconds]
    bound = per_second * 100
    achieved = resumen.fetched / elapsed

    app = create_app(settings)
    server = ThreadedServer(app, name="vetanco")
    server.start()
    sim.add_webhook(
        f"{server.url}/webhooks/reten", ["task.created", "task.updated", "task.completed"], SECRET
    )
    stop = threading.Event()
    inbox = RetenInbox(app.state.db, settings, client=RetenClient(settings, metrics=Metrics()))

    def run_inbox() -> None:
        while not stop.is_set():
            if inbox.run_once() == 0:
                time.sleep(0.01)

    worker = threading.Thread(target=run_inbox, daemon=True)
    worker.start()
    with_webhooks = _freshness(db, sim, worker, changes)
    stop.set()
    worker.join()

    sim.drop_webhooks = 1.0
    stop_poll = threading.Event()

    def run_poll() -> None:
        while not stop_poll.is_set():
            sincronizar(db, client)
            stop_poll.wait(poll_interval)

    poller = threading.Thread(target=run_poll, daemon=True)
    poller.start()
    without = _freshness(db, sim, poller, max(5, changes // 3))
    stop_poll.set()
    poller.join()
    server.stop()
    sim.stop()

    console.print(f"[bold]Conector Reten[/bold] ({tasks} tareas, límite {rate_limit}, SQLite)")
    console.print(
        f"  sincronización completa: {resumen.fetched} tareas en {elapsed:.1f} s = {achieved:.0f} tareas/s"
    )
    console.print(
        f"  cota del límite de rate:  {bound:.0f} tareas/s ({per_second:.1f} req/s × 100 por página)"
    )
    console.print(f"  ratio vs cota:            {achieved / bound:.2f}")
    console.print(
        f"  frescura con webhooks:    p50 {statistics.median(with_webhooks):.0f} ms, p95 {percentil(with_webhooks, 95):.0f} ms"
    )
    console.print(
        f"  frescura sólo polling ({poll_interval:.0f} s, {len(without)} cambios): "
        f"p50 {statistics.median(without):.0f} ms, p95 {percentil(without, 95):.0f} ms"
    )
    client.close()
    inbox.close()
    db.dispose()
    app.state.db.dispose()


if __name__ == "__main__":
    typer.run(main)
