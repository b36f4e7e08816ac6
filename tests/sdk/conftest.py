"""Python SDK clients pointed at a real server (uvicorn on loopback), one per role."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi import FastAPI

from vetanco.app import create_app
from vetanco.config import Settings
from vetanco.sdk import VetancoClient
from vetanco.sim.server import ThreadedServer

ClientFactory = Callable[..., VetancoClient]


@pytest.fixture
def sdk_de(live_server: str, keys: dict[str, str]) -> Iterator[ClientFactory]:
    """Builds sync clients for a role (admin by default), closed at teardown."""
    made: list[VetancoClient] = []

    def build(role: str = "admin", **options: Any) -> VetancoClient:
        options.setdefault("api_key", keys.get(role, role))
        options.setdefault("base_url", live_server)
        options.setdefault("backoff_base", 0.01)
        client = VetancoClient(**options)
        made.append(client)
        return client

    yield build
    for client in made:
        client.close()


@pytest.fixture
def sdk(sdk_de: ClientFactory) -> VetancoClient:
    return sdk_de()


@pytest.fixture
def otro_servidor(app: FastAPI) -> Iterator[Callable[..., str]]:
    """Starts more servers on the same database, each with its own settings overrides."""
    started: list[tuple[ThreadedServer, FastAPI]] = []
    base: Settings = app.state.settings

    def start(**overrides: Any) -> str:
        variant = create_app(base.model_copy(update=overrides))
        server = ThreadedServer(variant, name="vetanco-variante")
        server.start()
        started.append((server, variant))
        return server.url

    yield start
    for server, variant in started:
        server.stop()
        variant.state.db.dispose()


@pytest.fixture
def servidor_limitado(otro_servidor: Callable[..., str]) -> str:
    """Its rate limit is 2 requests per second per key, so a 429 is two calls away."""
    return otro_servidor(rate_limit="2/second")


@pytest.fixture
def servidor_por_minuto(otro_servidor: Callable[..., str]) -> str:
    """2 requests per minute per key: the third call is a 429 however slow a loaded machine is."""
    return otro_servidor(rate_limit="2/minute")
