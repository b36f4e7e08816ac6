"""Health checks and the published API contract."""

from __future__ import annotations

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from vetanco.app import create_app
from vetanco.casos.routes import router as casos_router
from vetanco.config import Settings


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


def test_every_app_serves_the_routes_built_at_import(settings: Settings) -> None:
    """FastAPI's include_router rebuilds each route per app on its first request (0.2–0.5 s per
    process, per test); the routers' own route objects are served as they are."""
    primera, segunda = create_app(settings), create_app(settings)
    try:
        rutas = [r for r in primera.router.routes if isinstance(r, APIRoute)]
        assert {r.path for r in rutas} >= {"/api/casos", "/api/casos/{numero_caso}"}
        assert any(r is casos_router.routes[0] for r in rutas)
        otras = [r for r in segunda.router.routes if isinstance(r, APIRoute)]
        mismas = zip(rutas, otras, strict=True)
        assert all(a is b for a, b in mismas if a.path not in {"/healthz", "/readyz"})
    finally:
        primera.state.db.dispose()
        segunda.state.db.dispose()
