"""Real processes: `vetanco worker` killed mid-delivery, two workers at once, `serve` killed under load."""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from tests.conftest import Api
from tests.factories import caso_payload, crear_caso
from tests.procesos import Proceso, free_port, is_up, stop_all, vetanco, wait_until, worker
from tests.webhooks.conftest import entregas, subscribe
from vetanco.casos.models import Caso
from vetanco.db import Database
from vetanco.sim.receiver import Behaviour, Receiver
from vetanco.webhooks.models import OutboxEvent, WebhookDelivery


@pytest.fixture
def processes() -> Iterator[list[Proceso]]:
    started: list[Proceso] = []
    yield started
    stop_all(started)


def test_worker_killed_mid_delivery_loses_nothing(
    api: Api, database_url: str, tmp_path: Path, processes: list[Proceso]
) -> None:
    receiver = Receiver(Behaviour(delay=1.0)).start()
    try:
        hook = subscribe(api, receiver.url + "/hook", ["caso.creado"])
        for _ in range(20):
            crear_caso(api)
        first = worker(database_url, tmp_path, "w1", VETANCO_WEBHOOK_LEASE_SECONDS="2")
        processes.append(first)
        wait_until(lambda: len(receiver.snapshot()) >= 1)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        in_flight = {r.headers["webhook-id"] for r in receiver.snapshot()}
        assert in_flight, "the worker was killed before any delivery started"
        receiver.behaviour.delay = 0
        second = worker(database_url, tmp_path, "w2", VETANCO_WEBHOOK_LEASE_SECONDS="2")
        processes.append(second)
        wait_until(lambda: len(entregas(api, hook["id"], estado="entregada")) == 20)
    finally:
        receiver.stop()
    rows = entregas(api, hook["id"])
    assert {r["estado"] for r in rows} == {"entregada"}
    assert {r["id"] for r in rows} <= set(receiver.ok_ids())
    assert in_flight <= {r["id"] for r in rows}


def test_two_workers_deliver_each_event_once(
    api: Api, database_url: str, tmp_path: Path, processes: list[Proceso]
) -> None:
    receiver = Receiver().start()
    try:
        hook = subscribe(api, receiver.url + "/hook", ["caso.creado"])
        for _ in range(150):
            crear_caso(api)
        processes.append(worker(database_url, tmp_path, "a"))
        processes.append(worker(database_url, tmp_path, "b"))
        receiver.wait_for(150, timeout=90)
        time.sleep(0.5)
        ids = receiver.ok_ids()
    finally:
        receiver.stop()
    assert len(ids) == 150
    assert len(set(ids)) == 150
    assert len(entregas(api, hook["id"], estado="entregada", limit=100)) == 100


def test_server_killed_under_load_keeps_changes_and_events_together(
    api: Api,
    db: Database,
    database_url: str,
    tmp_path: Path,
    processes: list[Proceso],
) -> None:
    """kill -9 of `vetanco serve` while cases pour in: every acknowledged case exists, and each case has its event."""
    subscribe(api, "http://127.0.0.1:9/nadie", ["caso.creado"])
    port = free_port()
    serve = vetanco(
        ["serve", "--port", str(port), "--no-migrate", "--no-background"],
        database_url,
        tmp_path,
        "serve",
    )
    processes.append(serve)
    base = f"http://127.0.0.1:{port}"
    wait_until(lambda: is_up(base), timeout=120)
    acknowledged: list[str] = []
    stop = threading.Event()
    headers = {"Authorization": f"Bearer {api.keys['colaborador']}"}

    def hammer() -> None:
        with httpx.Client(base_url=base, timeout=10) as client:
            while not stop.is_set():
                try:
                    response = client.post("/api/casos", json=caso_payload(), headers=headers)
                except httpx.HTTPError:
                    return
                if response.status_code == 201:
                    acknowledged.append(response.json()["caso"]["numero_caso"])

    threads = [threading.Thread(target=hammer) for _ in range(6)]
    for t in threads:
        t.start()
    wait_until(lambda: len(acknowledged) >= 30)
    serve.send_signal(signal.SIGKILL)
    serve.wait(timeout=10)
    stop.set()
    for t in threads:
        t.join(timeout=15)
    with db.transaction(write=False) as session:
        casos = set(session.scalars(select(Caso.numero_caso)))
        eventos = list(
            session.scalars(
                select(OutboxEvent.ordering_key).where(OutboxEvent.event == "caso.creado")
            )
        )
        sin_entrega = session.scalar(
            select(func.count())
            .select_from(OutboxEvent)
            .where(OutboxEvent.event == "caso.creado")
            .where(~OutboxEvent.id.in_(select(WebhookDelivery.event_id)))
        )
    assert set(acknowledged) <= casos
    assert sorted(eventos) == sorted(casos)
    assert sin_entrega == 0
