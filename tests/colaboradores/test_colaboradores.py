"""POST/GET /api/colaboradores: creation, field validation, listing and roles."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.conftest import Api
from tests.factories import crear_caso

COMPLETO = {
    "nombre": "María González",
    "cargo": "Asesora de Ventas",
    "email": "maria.gonzalez@vetanco.com",
    "telefono": "11-4444-5555",
}


def crear(api: Api, body: Any, role: str | None = "admin") -> httpx.Response:
    return api.post("/api/colaboradores", json=body, role=role)


def listar(api: Api, role: str | None = "admin") -> list[dict[str, Any]]:
    response = api.get("/api/colaboradores", role=role)
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def locs(response: httpx.Response) -> list[list[Any]]:
    return [d["loc"] for d in response.json()["details"]]


def test_crear_devuelve_el_colaborador(api: Api) -> None:
    antes = datetime.now(UTC)

    response = crear(api, COMPLETO)

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "success"
    colaborador = body["colaborador"]
    uuid.UUID(colaborador["id"])
    for campo, valor in COMPLETO.items():
        assert colaborador[campo] == valor
    assert colaborador["activo"] is True
    creado = datetime.fromisoformat(colaborador["created_at"].replace("Z", "+00:00"))
    assert antes - timedelta(seconds=5) <= creado <= datetime.now(UTC) + timedelta(seconds=5)


def test_solo_nombre_y_cargo_son_obligatorios(api: Api) -> None:
    response = crear(api, {"nombre": "Dr. Carlos López", "cargo": "Investigador"})

    assert response.status_code == 201, response.text
    colaborador = response.json()["colaborador"]
    assert colaborador["email"] is None
    assert colaborador["telefono"] is None


def test_recorta_espacios(api: Api) -> None:
    response = crear(api, {"nombre": "  Ana Ruiz  ", "cargo": " Calidad "})

    assert response.status_code == 201, response.text
    assert response.json()["colaborador"]["nombre"] == "Ana Ruiz"
    assert response.json()["colaborador"]["cargo"] == "Calidad"


def test_listar_devuelve_los_creados_por_nombre(api: Api) -> None:
    ids = {}
    for nombre in ("Zulema Paz", "Ana Ruiz", "Marcos Díaz"):
        response = crear(api, {**COMPLETO, "nombre": nombre})
        assert response.status_code == 201, response.text
        ids[nombre] = response.json()["colaborador"]["id"]

    data = listar(api)

    assert [c["nombre"] for c in data] == ["Ana Ruiz", "Marcos Díaz", "Zulema Paz"]
    assert {c["nombre"]: c["id"] for c in data} == ids
    primero = data[0]
    assert set(primero) >= {"id", "nombre", "cargo", "email", "telefono", "activo", "created_at"}
    assert primero["cargo"] == COMPLETO["cargo"]
    assert primero["activo"] is True


def test_listar_vacio(api: Api) -> None:
    assert listar(api) == []


def test_colaborador_creado_se_puede_usar_como_investigador(api: Api) -> None:
    investigador = crear(api, {"nombre": "Ing. Pablo Sosa", "cargo": "Calidad"}).json()
    numero = crear_caso(api)
    response = api.post(
        f"/api/casos/{numero}/investigacion",
        json={"investigador_id": investigador["colaborador"]["id"]},
    )

    assert response.status_code == 201, response.text
    assert response.json()["investigacion"]["investigador"] == "Ing. Pablo Sosa"


@pytest.mark.parametrize(
    ("cambios", "campo"),
    [
        ({"email": "no-es-un-email"}, "email"),
        ({"email": "maria@"}, "email"),
        ({"telefono": "llamame"}, "telefono"),
        ({"telefono": "123"}, "telefono"),
        ({"nombre": ""}, "nombre"),
        ({"nombre": "   "}, "nombre"),
        ({"nombre": "x" * 201}, "nombre"),
        ({"cargo": ""}, "cargo"),
        ({"nombre": None}, "nombre"),
        ({"nombre": 123}, "nombre"),
        ({"activo": False}, "activo"),
        ({"rol": "admin"}, "rol"),
    ],
)
def test_datos_invalidos_son_400_con_loc(api: Api, cambios: dict[str, Any], campo: str) -> None:
    response = crear(api, {**COMPLETO, **cambios})

    assert response.status_code == 400, response.text
    body = response.json()
    assert body["error"] == "validation_error"
    assert ["body", campo] in locs(response)
    assert listar(api) == []


@pytest.mark.parametrize("faltante", ["nombre", "cargo"])
def test_campo_obligatorio_faltante_es_400(api: Api, faltante: str) -> None:
    body = {k: v for k, v in COMPLETO.items() if k != faltante}

    response = crear(api, body)

    assert response.status_code == 400, response.text
    assert ["body", faltante] in locs(response)


@pytest.mark.parametrize("body", [[], "texto", None])
def test_cuerpo_que_no_es_objeto_es_400(api: Api, body: Any) -> None:
    response = crear(api, body)

    assert response.status_code == 400, response.text
    assert listar(api) == []


def test_cuerpo_que_no_es_json_es_400(api: Api) -> None:
    response = api.post(
        "/api/colaboradores",
        content=b"nombre=Ana&cargo=Calidad",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert response.status_code == 400, response.text
    assert ["header", "content-type"] in locs(response)


@pytest.mark.parametrize("role", ["admin", "calidad"])
def test_admin_y_calidad_pueden_crear(api: Api, role: str) -> None:
    response = crear(api, {**COMPLETO, "nombre": f"Creado por {role}"}, role=role)

    assert response.status_code == 201, response.text
    assert [c["nombre"] for c in listar(api)] == [f"Creado por {role}"]


@pytest.mark.parametrize("role", ["colaborador", "lectura"])
def test_colaborador_y_lectura_no_pueden_crear(api: Api, role: str) -> None:
    response = crear(api, COMPLETO, role=role)

    assert response.status_code == 403, response.text
    assert response.json()["error"] == "forbidden"
    assert listar(api) == []


def test_crear_sin_api_key_es_401(api: Api) -> None:
    response = crear(api, COMPLETO, role=None)

    assert response.status_code == 401, response.text
    assert listar(api) == []


@pytest.mark.parametrize("role", ["admin", "calidad", "colaborador", "lectura"])
def test_todos_los_roles_pueden_listar(api: Api, role: str) -> None:
    assert crear(api, COMPLETO).status_code == 201

    assert [c["nombre"] for c in listar(api, role=role)] == [COMPLETO["nombre"]]


def test_listar_sin_api_key_es_401(api: Api) -> None:
    response = api.get("/api/colaboradores", role=None)

    assert response.status_code == 401, response.text
    assert response.json()["error"] == "unauthorized"
