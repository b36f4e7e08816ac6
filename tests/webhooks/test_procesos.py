"""Real processes: `vetanco worker` killed mid-delivery, two workers at once, `serve` killed under load."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from tests.conftest import Api
from tests.factories import caso_payload, crear_caso
from tests.webhooks.conftest import entregas, subscribe
from vetanco.casos.models import Caso
from vetanco.db import Database
from vetanco.sim.receiver import Behaviour, Receiver
from vetanco.webhooks.models import OutboxEvent, WebhookDelivery


def _env(database_url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "VETANCO_DATABASE_URL": database_url,
        "VETANCO_WEBHOOK_ALLOW_PRIVATE": "true",
        "VETANCO_WEBHOOK_RETRY_SCHEDULE": "0.1,0.2,0.5,1,1,1,1,1",
        "VETANCO_WORKER_POLL_INTERVAL": "0.05",
        "VETANCO_LOG_LEVEL": "WARNING",
        **extra,
    }


def _worker(database_url: str, tmp_path: Path, name: str, **extra: str) -> subprocess.Popen[bytes]:
    log = (tmp_path / f"{name}.log").open("wb")
    return subprocess.Popen(
        [sys.executable, "-m", "vetanco.cli", "worker"],
        env=_env(database_url, **extra),
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=tmp_path,
    )


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=10)


def _wait(condition: object, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise TimeoutError("condition not reached")
        time.sleep(0.05)


def test_worker_killed_mid_delivery_loses_nothing(
    api: Api, database_url: str, tmp_path: Path, processes: list[subprocess.Popen[bytes]]
) -> None:
    receiver = Receiver(Behaviour(delay=1.0)).start()
    try:
        hook = subscribe(api, receiver.url + "/hook", ["caso.creado"])
        for _ in range(20):
            crear_caso(api)
        first = _worker(database_url, tmp_path, "w1", VETANCO_WEBHOOK_LEASE_SECONDS="2")
        processes.append(first)
        _wait(lambda: len(receiver.snapshot()) >= 1)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        in_flight = {r.headers["webhook-id"] for r in receiver.snapshot()}
        assert in_flight, "the worker was killed before any delivery started"
        receiver.behaviour.delay = 0
        second = _worker(database_url, tmp_path, "w2", VETANCO_WEBHOOK_LEASE_SECONDS="2")
        processes.append(second)
        _wait(lambda: len(entregas(api, hook["id"], estado="entregada")) == 20)
    finally:
        receiver.stop()
    rows = entregas(api, hook["id"])
    assert {r["estado"] for r in rows} == {"entregada"}
    assert {r["id"] for r in rows} <= set(receiver.ok_ids())
    assert in_flight <= {r["id"] for r in rows}


def test_two_workers_deliver_each_event_once(
    api: Api, database_url: str, tmp_path: Path, processes: list[subprocess.Popen[bytes]]
) -> None:
    receiver = Receiver().start()
    try:
        hook = subscribe(api, receiver.url + "/hook", ["caso.creado"])
        for _ in range(150):
            crear_caso(api)
        processes.append(_worker(database_url, tmp_path, "a"))
        processes.append(_worker(database_url, tmp_path, "b"))
        receiver.wait_for(150, timeout=90)
        time.sleep(0.5)
        ids = receiver.ok_ids()
    finally:
        receiver.stop()
    assert len(ids) == 150
    assert len(set(ids)) == 150
    assert len(entregas(api, hook["id"], estado="entregada", limit=100)) == 100


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_server_killed_under_load_keeps_changes_and_events_together(
    api: Api,
    db: Database,
    database_url: str,
    tmp_path: Path,
    processes: list[subprocess.Popen[bytes]],
) -> None:
    """kill -9 of `vetanco serve` while cases pour in: every acknowledged case exists, and each case has its event."""
    subscribe(api, "http://127.0.0.1:9/nadie", ["caso.creado"])
    port = _free_port()
    serve = subprocess.Popen(
        [sys.executable, "-m", "vetanco.cli", "serve", "--port", str(port), "--no-migrate"],
        env=_env(database_url, VETANCO_WORKER_ENABLED="false"),
        stdout=(tmp_path / "serve.log").open("wb"),
        stderr=subprocess.STDOUT,
        cwd=tmp_path,
    )
    processes.append(serve)
    base = f"http://127.0.0.1:{port}"
    _wait(lambda: _up(base))
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
    _wait(lambda: len(acknowledged) >= 30)
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


def _up(base: str) -> bool:
    try:
        return httpx.get(f"{base}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False
