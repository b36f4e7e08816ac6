"""Per-key rate limit: headers on every authenticated answer, 429 with Retry-After past it."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from vetanco.app import create_app
from vetanco.auth.roles import Role
from vetanco.auth.service import create_key
from vetanco.config import Settings


def _limited_app(settings: Settings, limit: str, redis_url: str | None = None) -> FastAPI:
    return create_app(settings.model_copy(update={"rate_limit": limit, "redis_url": redis_url}))


@pytest.fixture
def limited(settings: Settings) -> Iterator[tuple[TestClient, dict[str, str]]]:
    app = _limited_app(settings, "5/minute")
    with app.state.db.transaction() as session:
        keys = {
            name: create_key(session, name=name, role=Role.lectura)[1] for name in ("uno", "dos")
        }
    with TestClient(app) as client:
        yield client, keys
    app.state.db.dispose()


def _get(client: TestClient, key: str) -> object:
    return client.get("/api/casos", headers={"Authorization": f"Bearer {key}"})


def test_headers_count_down_then_429(limited: tuple[TestClient, dict[str, str]]) -> None:
    client, keys = limited
    remaining = []
    for _ in range(5):
        response = client.get("/api/casos", headers={"Authorization": f"Bearer {keys['uno']}"})
        assert response.status_code == 200
        assert response.headers["X-RateLimit-Limit"] == "5"
        assert int(response.headers["X-RateLimit-Reset"]) > 0
        remaining.append(int(response.headers["X-RateLimit-Remaining"]))
    assert remaining == [4, 3, 2, 1, 0]
    blocked = client.get("/api/casos", headers={"Authorization": f"Bearer {keys['uno']}"})
    assert blocked.status_code == 429
    assert blocked.json()["error"] == "rate_limited"
    assert 1 <= int(blocked.headers["Retry-After"]) <= 60
    assert blocked.headers["X-RateLimit-Remaining"] == "0"


def test_limit_is_per_key(limited: tuple[TestClient, dict[str, str]]) -> None:
    client, keys = limited
    for _ in range(6):
        client.get("/api/casos", headers={"Authorization": f"Bearer {keys['uno']}"})
    other = client.get("/api/casos", headers={"Authorization": f"Bearer {keys['dos']}"})
    assert other.status_code == 200
    assert other.headers["X-RateLimit-Remaining"] == "4"


def test_error_answers_also_carry_headers(limited: tuple[TestClient, dict[str, str]]) -> None:
    client, keys = limited
    response = client.get(
        "/api/casos/VET-2025-99999", headers={"Authorization": f"Bearer {keys['uno']}"}
    )
    assert response.status_code == 404
    assert response.headers["X-RateLimit-Remaining"] == "4"


def test_redis_shares_the_limit_between_processes(settings: Settings) -> None:
    """Two app instances (as two API workers) draw from the same Redis counter."""
    redis_url = os.environ.get("VETANCO_TEST_REDIS_URL")
    if not redis_url:
        if os.environ.get("CI"):
            pytest.fail("VETANCO_TEST_REDIS_URL missing in CI")
        pytest.skip("Redis no configurado (VETANCO_TEST_REDIS_URL)")
    first = _limited_app(settings, "4/minute", redis_url)
    second = _limited_app(settings, "4/minute", redis_url)
    with first.state.db.transaction() as session:
        _, key = create_key(session, name=f"shared-{uuid.uuid4().hex[:8]}", role=Role.lectura)
    headers = {"Authorization": f"Bearer {key}"}
    with TestClient(first) as a, TestClient(second) as b:
        codes = [
            client.get("/api/casos", headers=headers).status_code for client in (a, b, a, b, a, b)
        ]
    assert codes == [200, 200, 200, 200, 429, 429]
    first.state.db.dispose()
    second.state.db.dispose()
