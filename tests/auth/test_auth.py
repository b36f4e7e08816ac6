"""API keys: bearer auth, hashed storage, roles and the admin endpoints."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.conftest import Api
from tests.factories import caso_payload, crear_caso
from vetanco.auth.models import ApiKey
from vetanco.auth.service import hash_key
from vetanco.db import Database


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer vk_nope"},
        {"Authorization": "Basic abc"},
        {"Authorization": "Bearer"},
    ],
)
def test_missing_or_unknown_key_is_401_json(api: Api, headers: dict[str, str]) -> None:
    response = api.get("/api/casos", role=None, headers=headers)
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"
    assert response.json()["message"]


def test_keys_are_stored_only_as_hashes(api: Api, db: Database) -> None:
    raw = api.keys["admin"]
    with db.transaction(write=False) as session:
        stored = session.scalars(select(ApiKey).where(ApiKey.name == "test-admin")).one()
        assert stored.key_hash == hash_key(raw)
        all_columns = [str(getattr(stored, c.key)) for c in ApiKey.__table__.columns]
        assert raw not in all_columns


def test_revoked_key_is_rejected(api: Api) -> None:
    assert api.get("/api/casos", role="lectura").status_code == 200
    assert api.delete("/api/api-keys/test-lectura").status_code == 200
    response = api.get("/api/casos", role="lectura")
    assert response.status_code == 401


ROLE_MATRIX = [
    # (method, path template, body kind, roles allowed)
    ("GET", "/api/casos", None, {"admin", "calidad", "colaborador", "lectura"}),
    ("GET", "/api/estadisticas", None, {"admin", "calidad", "colaborador", "lectura"}),
    ("GET", "/api/clientes", None, {"admin", "calidad", "colaborador", "lectura"}),
    ("POST", "/api/casos", "caso", {"admin", "calidad", "colaborador"}),
    ("PUT", "/api/casos/{n}/clasificar", "clasificar", {"admin", "calidad"}),
    ("PUT", "/api/casos/{n}/estado", "estado", {"admin", "calidad"}),
    ("POST", "/api/colaboradores", "colaborador", {"admin", "calidad"}),
    ("GET", "/api/api-keys", None, {"admin"}),
]


@pytest.mark.parametrize(("method", "path", "body", "allowed"), ROLE_MATRIX)
def test_roles(api: Api, method: str, path: str, body: str | None, allowed: set[str]) -> None:
    for role in ("admin", "calidad", "colaborador", "lectura"):
        numero = crear_caso(api)
        payloads = {
            "caso": caso_payload(),
            "clasificar": {"tipo_caso": "queja"},
            "estado": {"estado": "en_investigacion"},
            "colaborador": {"nombre": "Ana", "cargo": "Calidad"},
            None: None,
        }
        response = api.request(method, path.format(n=numero), role=role, json=payloads[body])
        if role in allowed:
            assert response.status_code in (200, 201), (role, response.text)
        else:
            assert response.status_code == 403, (role, response.text)
            assert response.json()["error"] == "forbidden"


def test_admin_issues_lists_and_revokes_keys(api: Api) -> None:
    created = api.post("/api/api-keys", json={"name": "erp", "role": "colaborador"})
    assert created.status_code == 201
    body = created.json()
    assert body["key"].startswith("vk_")
    assert body["role"] == "colaborador"
    listed = api.get("/api/api-keys").json()["data"]
    erp = next(k for k in listed if k["name"] == "erp")
    assert "key" not in erp
    assert "key_hash" not in erp
    assert erp["revoked_at"] is None
    new_key = body["key"]
    ok = api.get("/api/casos", role=None, headers={"Authorization": f"Bearer {new_key}"})
    assert ok.status_code == 200
    assert api.post("/api/api-keys", json={"name": "erp", "role": "lectura"}).status_code == 409
    assert api.post("/api/api-keys", json={"name": "x", "role": "root"}).status_code == 400
    assert api.delete("/api/api-keys/erp").status_code == 200
    denied = api.get("/api/casos", role=None, headers={"Authorization": f"Bearer {new_key}"})
    assert denied.status_code == 401
    assert api.delete("/api/api-keys/nadie").status_code == 404
