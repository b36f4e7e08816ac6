"""A real receiver on loopback and a dispatcher driven step by step."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.conftest import Api
from vetanco.config import Settings
from vetanco.db import Database
from vetanco.sim.receiver import Receiver
from vetanco.webhooks.tasks import Dispatcher


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver().start()
    yield r
    r.stop()


@pytest.fixture
def dispatcher(db: Database, settings: Settings) -> Iterator[Dispatcher]:
    d = Dispatcher(db, settings)
    yield d
    d.close()


def pump(dispatcher: Dispatcher, until: Callable[[], bool], *, timeout: float = 30) -> None:
    """Runs the worker loop by hand until `until()` holds."""
    deadline = time.monotonic() + timeout
    while not until():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not reached while dispatching")
        if dispatcher.run_once() == 0:
            time.sleep(0.02)


def subscribe(api: Api, url: str, events: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    response = api.post("/api/webhooks", json={"url": url, "events": events or ["*"], **extra})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def entregas(api: Api, endpoint_id: str, **params: Any) -> list[dict[str, Any]]:
    response = api.get(f"/api/webhooks/{endpoint_id}/entregas", params={"limit": 100, **params})
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data
