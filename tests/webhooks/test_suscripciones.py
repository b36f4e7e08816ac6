"""Subscriptions API: secrets shown once, validation, roles and the SSRF guard."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.conftest import Api
from tests.webhooks.conftest import subscribe
from vetanco.app import create_app
from vetanco.config import Settings


def test_create_shows_secret_once_and_get_never(api: Api) -> None:
    created = subscribe(
        api, "https://erp.ejemplo.com/hook", ["caso.creado", "caso.resuelto"], description="ERP"
    )
    assert created["secret"].startswith("whsec_")
    assert created["events"] == ["caso.creado", "caso.resuelto"]
    assert created["enabled"] is True
    one = api.get(f"/api/webhooks/{created['id']}").json()
    assert "secret" not in one
    listed = api.get("/api/webhooks").json()["data"]
    assert [w["id"] for w in listed] == [created["id"]]
    assert all("secret" not in w for w in listed)


def test_unknown_event_names_are_400(api: Api) -> None:
    response = api.post(
        "/api/webhooks", json={"url": "https://x.ejemplo.com", "events": ["caso.borrado"]}
    )
    assert response.status_code == 400
    assert response.json()["details"][0]["loc"] == ["body", "events"]
    assert (
        api.post("/api/webhooks", json={"url": "https://x.ejemplo.com", "events": []}).status_code
        == 400
    )


def test_patch_delete_and_rotate(api: Api) -> None:
    created = subscribe(api, "https://erp.ejemplo.com/hook")
    wid = created["id"]
    patched = api.request(
        "PATCH", f"/api/webhooks/{wid}", json={"events": ["caso.creado"], "enabled": False}
    )
    assert patched.status_code == 200
    assert patched.json()["events"] == ["caso.creado"]
    assert patched.json()["enabled"] is False
    rotated = api.post(f"/api/webhooks/{wid}/rotar-secreto").json()
    assert rotated["secret"].startswith("whsec_")
    assert rotated["secret"] != created["secret"]
    assert api.delete(f"/api/webhooks/{wid}").status_code == 204
    assert api.get(f"/api/webhooks/{wid}").status_code == 404


@pytest.mark.parametrize("role", ["calidad", "colaborador", "lectura"])
def test_only_admin_manages_webhooks(api: Api, role: str) -> None:
    response = api.post(
        "/api/webhooks", role=role, json={"url": "https://x.ejemplo.com", "events": ["*"]}
    )
    assert response.status_code == 403
    assert api.get("/api/webhooks", role=role).status_code == 403


@pytest.fixture
def strict_api(settings: Settings, keys: dict[str, str]) -> Iterator[Api]:
    """The production default: private destinations refused."""
    app = create_app(settings.model_copy(update={"webhook_allow_private": False}))
    with TestClient(app) as client:
        yield Api(client, keys)
    app.state.db.dispose()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://10.0.0.5/hook",
        "http://192.168.1.10/hook",
        "http://172.16.0.1/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/hook",
        "http://0.0.0.0/hook",
        "http://metadata.google.internal/computeMetadata/v1/",
        "ftp://93.184.216.34/hook",
        "http://user:clave@93.184.216.34/hook",
        "javascript:alert(1)",
    ],
)
def test_ssrf_guard_refuses_internal_destinations(strict_api: Api, url: str) -> None:
    response = strict_api.post("/api/webhooks", json={"url": url, "events": ["*"]})
    assert response.status_code == 400, response.text
    assert response.json()["details"][0]["loc"] == ["body", "url"]


def test_ssrf_guard_accepts_public_addresses_and_guards_patch(strict_api: Api) -> None:
    created = subscribe(strict_api, "https://93.184.216.34/hook")
    refused = strict_api.request(
        "PATCH", f"/api/webhooks/{created['id']}", json={"url": "http://127.0.0.1/x"}
    )
    assert refused.status_code == 400
