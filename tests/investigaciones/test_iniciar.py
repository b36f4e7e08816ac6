"""POST /api/casos/{numero}/investigacion: shape, state change, conflicts, validation, roles."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.conftest import Api
from tests.factories import clasificar, crear_caso, crear_colaborador


def iniciar(
    api: Api, numero: str, investigador_id: str, role: str | None = "admin"
) -> httpx.Response:
    return api.post(
        f"/api/casos/{numero}/investigacion", json={"investigador_id": investigador_id}, role=role
    )


def locs(response: httpx.Response) -> list[list[Any]]:
    return [d["loc"] for d in response.json()["details"]]


def parse_ts(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def cambiar_estado(api: Api, numero: str, estado: str, **extra: Any) -> httpx.Response:
    return api.put(f"/api/casos/{numero}/estado", json={"estado": estado, **extra})


def test_iniciar_devuelve_la_forma_del_contrato(api: Api) -> None:
    numero = crear_caso(api)
    investigador = crear_colaborador(api, nombre="Dra. Ana Ruiz")
    antes = datetime.now(UTC)

    response = iniciar(api, numero, investigador)

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "success"
    inv = body["investigacion"]
    assert {"id", "caso_numero", "investigador", "fecha_inicio", "estado"} <= set(inv)
    uuid.UUID(inv["id"])
    assert inv["caso_numero"] == numero
    assert inv["investigador"] == "Dra. Ana Ruiz"
    assert inv["estado"] == "en_proceso"
    inicio = parse_ts(inv["fecha_inicio"])
    assert inicio.tzinfo is not None
    assert antes - timedelta(seconds=5) <= inicio <= datetime.now(UTC) + timedelta(seconds=5)


def test_iniciar_pasa_un_caso_nuevo_a_en_investigacion(api: Api) -> None:
    numero = crear_caso(api)
    assert api.get(f"/api/casos/{numero}").json()["caso"]["estado"] == "nuevo"
    investigador = crear_colaborador(api)

    inv = iniciar(api, numero, investigador).json()["investigacion"]

    caso = api.get(f"/api/casos/{numero}").json()["caso"]
    assert caso["estado"] == "en_investigacion"
    assert caso["en_investigacion_at"] is not None
    assert caso["investigacion"]["id"] == inv["id"]
    assert caso["investigacion"]["estado"] == "en_proceso"
    assert caso["investigacion"]["investigador"] == "Dr. Carlos López"
    assert parse_ts(caso["investigacion"]["fecha_inicio"]) == parse_ts(inv["fecha_inicio"])
    assert caso["investigacion"]["fecha_fin"] is None
    listado = api.get("/api/casos", params={"estado": "en_investigacion"}).json()
    assert [c["numero_caso"] for c in listado["data"]] == [numero]


def test_iniciar_en_caso_ya_en_investigacion_lo_deja_en_investigacion(api: Api) -> None:
    numero = crear_caso(api)
    assert cambiar_estado(api, numero, "en_investigacion").status_code == 200

    response = iniciar(api, numero, crear_colaborador(api))

    assert response.status_code == 201, response.text
    assert api.get(f"/api/casos/{numero}").json()["caso"]["estado"] == "en_investigacion"


def test_segunda_investigacion_es_409(api: Api) -> None:
    numero = crear_caso(api)
    investigador = crear_colaborador(api)
    primera = iniciar(api, numero, investigador).json()["investigacion"]

    response = iniciar(api, numero, crear_colaborador(api, nombre="Otro Investigador"))

    assert response.status_code == 409, response.text
    assert response.json()["error"] == "conflict"
    detalle = api.get(f"/api/casos/{numero}").json()["caso"]["investigacion"]
    assert detalle["id"] == primera["id"]
    assert detalle["investigador"] == "Dr. Carlos López"


def test_iniciar_en_caso_resuelto_es_409(api: Api) -> None:
    numero = crear_caso(api)
    clasificar(api, numero, "queja", None)
    resuelto = cambiar_estado(api, numero, "resuelto", resolucion="Se respondió al cliente")
    assert resuelto.status_code == 200, resuelto.text

    response = iniciar(api, numero, crear_colaborador(api))

    assert response.status_code == 409, response.text
    caso = api.get(f"/api/casos/{numero}").json()["caso"]
    assert caso["estado"] == "resuelto"
    assert caso["investigacion"] is None


def test_iniciar_en_caso_cerrado_es_409(api: Api) -> None:
    numero = crear_caso(api)
    clasificar(api, numero, "comentario", None)
    assert cambiar_estado(api, numero, "resuelto", resolucion="Gracias").status_code == 200
    assert cambiar_estado(api, numero, "cerrado").status_code == 200

    response = iniciar(api, numero, crear_colaborador(api))

    assert response.status_code == 409, response.text
    caso = api.get(f"/api/casos/{numero}").json()["caso"]
    assert caso["estado"] == "cerrado"
    assert caso["investigacion"] is None


def test_investigador_inexistente_es_400_en_investigador_id(api: Api) -> None:
    numero = crear_caso(api)

    response = iniciar(api, numero, str(uuid.uuid4()))

    assert response.status_code == 400, response.text
    assert response.json()["error"] == "validation_error"
    assert ["body", "investigador_id"] in locs(response)
    caso = api.get(f"/api/casos/{numero}").json()["caso"]
    assert caso["estado"] == "nuevo"
    assert caso["investigacion"] is None


@pytest.mark.parametrize(
    "body",
    [{}, {"investigador_id": "no-es-un-uuid"}, {"investigador_id": None}],
    ids=["falta", "no-uuid", "null"],
)
def test_investigador_id_invalido_es_400(api: Api, body: dict[str, Any]) -> None:
    numero = crear_caso(api)

    response = api.post(f"/api/casos/{numero}/investigacion", json=body)

    assert response.status_code == 400, response.text
    assert ["body", "investigador_id"] in locs(response)


def test_campo_desconocido_es_400(api: Api) -> None:
    numero = crear_caso(api)
    body = {"investigador_id": crear_colaborador(api), "prioridad": "alta"}

    response = api.post(f"/api/casos/{numero}/investigacion", json=body)

    assert response.status_code == 400, response.text
    assert ["body", "prioridad"] in locs(response)


def test_caso_inexistente_es_404(api: Api) -> None:
    response = iniciar(api, "VET-2025-99999", crear_colaborador(api))

    assert response.status_code == 404, response.text
    assert response.json()["error"] == "not_found"


def test_iniciar_registra_historial(api: Api) -> None:
    numero = crear_caso(api)
    investigador = crear_colaborador(api)
    antes = api.get(f"/api/casos/{numero}/historial").json()["data"]

    inv = iniciar(api, numero, investigador).json()["investigacion"]

    despues = api.get(f"/api/casos/{numero}/historial").json()["data"]
    assert len(despues) == len(antes) + 1
    entrada = despues[-1]
    assert entrada["accion"] == "investigacion_iniciada"
    assert entrada["secuencia"] == antes[-1]["secuencia"] + 1
    assert entrada["hash_anterior"] == antes[-1]["hash"]
    assert entrada["colaborador_id"] == investigador
    assert entrada["cambios"]["investigacion"]["despues"] == inv["id"]
    assert entrada["cambios"]["estado"] == {"antes": "nuevo", "despues": "en_investigacion"}


@pytest.mark.parametrize("role", ["admin", "calidad"])
def test_admin_y_calidad_pueden_investigar(api: Api, role: str) -> None:
    numero = crear_caso(api)

    response = iniciar(api, numero, crear_colaborador(api), role=role)

    assert response.status_code == 201, response.text
    assert api.get(f"/api/casos/{numero}").json()["caso"]["estado"] == "en_investigacion"


@pytest.mark.parametrize("role", ["colaborador", "lectura"])
def test_colaborador_y_lectura_no_pueden_investigar(api: Api, role: str) -> None:
    numero = crear_caso(api)

    response = iniciar(api, numero, crear_colaborador(api), role=role)

    assert response.status_code == 403, response.text
    assert response.json()["error"] == "forbidden"
    caso = api.get(f"/api/casos/{numero}").json()["caso"]
    assert caso["estado"] == "nuevo"
    assert caso["investigacion"] is None


def test_sin_api_key_es_401(api: Api) -> None:
    numero = crear_caso(api)

    response = iniciar(api, numero, crear_colaborador(api), role=None)

    assert response.status_code == 401, response.text
    assert response.json()["error"] == "unauthorized"
    assert api.get(f"/api/casos/{numero}").json()["caso"]["investigacion"] is None


def test_api_key_invalida_es_401(api: Api) -> None:
    numero = crear_caso(api)

    response = api.post(
        f"/api/casos/{numero}/investigacion",
        json={"investigador_id": crear_colaborador(api)},
        role=None,
        headers={"Authorization": "Bearer clave-que-no-existe"},
    )

    assert response.status_code == 401, response.text
