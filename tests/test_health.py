"""Health checks and the published API contract."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_healthz_needs_no_auth(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_checks_database(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


def test_readyz_refuses_traffic_with_pending_migrations(
    client: TestClient, database_url: str
) -> None:
    from vetanco import migrations

    migrations.downgrade(database_url, "base")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"] == "migraciones pendientes"
    migrations.upgrade(database_url)
    assert client.get("/readyz").status_code == 200
