"""The Reten stand-in and a client pointed at it."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from vetanco.config import Settings
from vetanco.reten.client import RetenClient
from vetanco.reten.metrics import Metrics
from vetanco.sim.reten import RetenSim


@pytest.fixture
def reten() -> Iterator[RetenSim]:
    sim = RetenSim(tasks=0, seed=7).start()
    yield sim
    sim.stop()


def reten_settings(settings: Settings, sim: RetenSim) -> Settings:
    return settings.model_copy(
        update={
            "reten_base_url": sim.base_url,
            "reten_client_id": "sim-client",
            "reten_client_secret": SecretStr("sim-secret"),
            "reten_backoff_base": 0.01,
        }
    )


def fast_sleep(seconds: float) -> None:
    """Honours the waits the client asks for, but never more than a blink, to keep tests fast."""
    time.sleep(min(seconds, 0.02))


@pytest.fixture
def reten_client(settings: Settings, reten: RetenSim) -> Iterator[RetenClient]:
    client = RetenClient(reten_settings(settings, reten), metrics=Metrics(), sleep=fast_sleep)
    yield client
    client.close()
