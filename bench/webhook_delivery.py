"""Delivery throughput and commit→receipt lag of outgoing webhooks, against a local receiver.

Baseline measured in the same run: the same payloads POSTed straight to the same receiver with
httpx and the same concurrency (no database, no signing, no retries bookkeeping).

    uv run python bench/webhook_delivery.py --events 2000
    uv run python bench/webhook_delivery.py --database-url postgresql+psycopg://…/bench
"""

from __future__ import annotations

import json
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import typer
from comun import console, percentil, sqlite_temporal
from rich.progress import Progress

from vetanco import migrations
from vetanco.auth.roles import Role  # noqa: F401  (models import side effects)
from vetanco.config import Settings
from vetanco.db import Database, utcnow
from vetanco.models import Base
from vetanco.sim.receiver import Receiver
from vetanco.webhooks import service
from vetanco.webhooks.events import Evento
from vetanco.webhooks.schemas import WebhookCreate
from vetanco.webhooks.tasks import Dispatcher


def _reset(db: Database) -> None:
    with db.transaction() as session:
        for table in reversed(Base.metadata.sorted_tables):
            if table.name == "historial_casos":
                continue
            session.execute(table.delete())


def _start_worker(
    db: Database, settings: Settings
) -> tuple[Dispatcher, threading.Event, threading.Thread]:
    dispatcher = Dispatcher(db, settings, batch_size=100)
    stop = threading.Event()
    worker = threading.Thread(target=dispatcher.run_forever, args=(stop,), daemon=True)
    worker.start()
    return dispatcher, stop, worker


def _stop_worker(dispatcher: Dispatcher, stop: threading.Event, worker: threading.Thread) -> None:
    stop.set()
    worker.join(timeout=10)
    dispatcher.close()


def _emit(db: Database, seq: int) -> None:
    with db.transaction() as session:
        service.emitir(
            session, evento=Evento.caso_creado, data={"seq": seq}, clave=f"bench-{seq % 50}"
        )


def _lag_phase(
    db: Database, settings: Settings, receiver: Receiver, events: int, rate: float
) -> list[float]:
    """Events committed at a steady `rate` while the worker runs: how long until the receiver has each."""
    receiver.received.clear()
    running = _start_worker(db, settings)
    committed: dict[int, float] = {}
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("lag: emitiendo con el worker en marcha", total=events)
        start = time.perf_counter()
        for i in range(events):
            pause = start + i / rate - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            _emit(db, i)
            committed[i] = time.time()
            progress.update(task, completed=i + 1)
        _wait_for(receiver, events)
    _stop_worker(*running)
    arrivals = {json.loads(r.body)["data"]["seq"]: r.at for r in receiver.snapshot()}
    return [(arrivals[i] - committed[i]) * 1000 for i in range(events)]


def _drain_phase(db: Database, settings: Settings, receiver: Receiver, events: int) -> float:
    """A backlog of events already committed: how fast the worker empties it."""
    receiver.received.clear()
    for i in range(events):
        _emit(db, events + i)
    started = time.time()
    running = _start_worker(db, settings)
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("throughput: vaciando la cola", total=events)
        while len(receiver.received) < events:
            progress.update(task, completed=len(receiver.received))
            time.sleep(0.05)
    _stop_worker(*running)
    return events / (max(r.at for r in receiver.snapshot()) - started)


def _wait_for(receiver: Receiver, count: int) -> None:
    deadline = time.monotonic() + 300
    while len(receiver.received) < count and time.monotonic() < deadline:
        time.sleep(0.02)


def main(
    events: int = typer.Option(1000, help="Eventos a entregar"),
    database_url: str | None = typer.Option(None, help="Por defecto, un SQLite temporal"),
    concurrency: int = typer.Option(8, help="Entregas simultáneas (igual en la línea de base)"),
    rate: float = typer.Option(100.0, help="Eventos por segundo durante la medición de lag"),
) -> None:
    url = database_url or sqlite_temporal()
    migrations.upgrade(url)
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=url,
        worker_concurrency=concurrency,
        webhook_allow_private=True,
        worker_poll_interval=0.05,
    )
    db = Database(url)
    _reset(db)
    receiver = Receiver().start()

    payloads = [
        json.dumps({"event": "caso.creado", "data": {"seq": i}}).encode() for i in range(events)
    ]
    receiver.received.clear()
    started = time.perf_counter()
    with httpx.Client() as client, ThreadPoolExecutor(concurrency) as pool:
        list(pool.map(lambda body: client.post(receiver.url + "/raw", content=body), payloads))
    baseline_rate = events / (time.perf_counter() - started)
    receiver.received.clear()

    with db.transaction() as session:
        service.crear_endpoint(
            session,
            data=WebhookCreate(url=receiver.url + "/hook", events=["*"]),
            allow_private=True,
        )
    lags = _lag_phase(db, settings, receiver, events, rate)
    drain_rate = _drain_phase(db, settings, receiver, events)
    receiver.stop()
    console.print(
        f"[bold]Webhooks salientes[/bold] ({events} eventos por fase, {db.engine.dialect.name}, "
        f"concurrencia {concurrency})"
    )
    console.print(f"  entregas/s (cola acumulada): {drain_rate:8.1f}")
    console.print(
        f"  línea de base httpx/s:       {baseline_rate:8.1f}   (POST directo, sin base ni firma)"
    )
    console.print(f"  ratio vs línea de base:      {drain_rate / baseline_rate:8.2f}")
    console.print(f"  lag commit→recepción a {rate:.0f} eventos/s:")
    console.print(f"    p50:                       {statistics.median(lags):8.1f} ms")
    console.print(f"    p99:                       {percentil(lags, 99):8.1f} ms")
    console.print(f"  ({utcnow():%Y-%m-%d %H:%M} UTC)")
    db.dispose()


if __name__ == "__main__":
    typer.run(main)
