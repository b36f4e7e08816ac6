"""Who may do what on /api/casos, and that a missing or bad key is always a JSON 401."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.casos.helpers import assert_error, detalle
from tests.conftest import Api
from tests.factories import caso_payload, crear_caso
from vetanco.casos.models import Caso
from vetanco.db import Database


def _total(db: Database) -> int:
    with db.transaction(write=False) as session:
        return int(session.scalar(select(func.count(Caso.id))) or 0)


@pytest.mark.parametrize(
    ("role", "status"), [("admin", 201), ("calidad", 201), ("colaborador", 201), ("lectura", 403)]
)
def test_crear_por_rol(api: Api, db: Database, role: str, status: int) -> None:
    response = api.post("/api/casos", json=caso_payload(), role=role)
    assert response.status_code == status, response.text
    if status == 403:
        body = assert_error(response, 403, "forbidden")
        assert "lectura" in body["message"]
        assert _total(db) == 0
    else:
        assert _total(db) == 1


def test_lectura_con_cuerpo_invalido_sigue_siendo_rechazada(api: Api) -> None:
    """Permission is checked before the body: a read-only key gets 403 whatever it sends."""
    response = api.post("/api/casos", json={"cliente": {}}, role="lectura")
    assert_error(response, 403, "forbidden")


def test_registrado_por_identifica_la_api_key(api: Api) -> None:
    numero = crear_caso(api)
    response = api.post("/api/casos", json=caso_payload(), role="colaborador")
    otro = response.json()["caso"]["numero_caso"]
    h1 = api.get(f"/api/casos/{numero}/historial").json()["data"][0]["actor"]
    h2 = api.get(f"/api/casos/{otro}/historial").json()["data"][0]["actor"]
    assert h1 != h2
    assert "test-colaborador" in h2


def test_colaborador_crea_pero_no_clasifica_ni_cambia_estado(api: Api) -> None:
    response = api.post("/api/casos", json=caso_payload(), role="colaborador")
    assert response.status_code == 201
    numero = response.json()["caso"]["numero_caso"]
    assert_error(
        api.put(f"/api/casos/{numero}/clasificar", json={"tipo_caso": "queja"}, role="colaborador"),
        403,
        "forbidden",
    )
    assert_error(
        api.put(
            f"/api/casos/{numero}/estado", json={"estado": "en_investigacion"}, role="colaborador"
        ),
        403,
        "forbidden",
    )
    assert api.get(f"/api/casos/{numero}", role="colaborador").status_code == 200
    assert api.get("/api/casos", role="colaborador").status_code == 200


def test_calidad_clasifica_y_cambia_estado(api: Api) -> None:
    numero = crear_caso(api)
    clasif = api.put(f"/api/casos/{numero}/clasificar", json={"tipo_caso": "queja"}, role="calidad")
    assert clasif.status_code == 200, clasif.text
    estado = api.put(
        f"/api/casos/{numero}/estado",
        json={"estado": "resuelto", "resolucion": "Entrega reprogramada"},
        role="calidad",
    )
    assert estado.status_code == 200, estado.text
    assert detalle(api, numero)["estado"] == "resuelto"


@pytest.mark.parametrize("role", ["admin", "calidad", "colaborador", "lectura"])
def test_todos_los_roles_listan(api: Api, role: str) -> None:
    crear_caso(api)
    response = api.get("/api/casos", role=role)
    assert response.status_code == 200
    assert response.json()["pagination"]["total"] == 1


ENDPOINTS = [
    ("GET", "/api/casos", None),
    ("GET", "/api/casos/{numero}", None),
    ("GET", "/api/casos/{numero}/historial", None),
    ("POST", "/api/casos", "payload"),
    ("PUT", "/api/casos/{numero}/clasificar", {"tipo_caso": "queja"}),
    ("PUT", "/api/casos/{numero}/estado", {"estado": "en_investigacion"}),
]


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer ", "Bearer clave-inventada", "Basic dXNlcjpwYXNz", "clave-sin-esquema"],
)
def test_sin_clave_valida_es_401(
    api: Api, db: Database, method: str, path: str, body: object, authorization: str | None
) -> None:
    numero = crear_caso(api)
    headers = {"Authorization": authorization} if authorization is not None else {}
    json_body = caso_payload() if body == "payload" else body
    response = api.client.request(
        method, path.format(numero=numero), json=json_body, headers=headers
    )
    assert_error(response, 401, "unauthorized")
    assert _total(db) == 1
    assert detalle(api, numero)["tipo_caso"] == "pendiente_clasificacion"
    assert detalle(api, numero)["estado"] == "nuevo"


def test_401_antes_que_validacion(api: Api) -> None:
    """Without a key, even a malformed body gets 401, not 400: nothing is checked for strangers."""
    response = api.post("/api/casos", json={"nada": True}, role=None)
    assert_error(response, 401)
