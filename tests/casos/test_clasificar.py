"""PUT /api/casos/{numero_caso}/clasificar: shape, rules, reclassification and its records."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from tests.casos.helpers import (
    assert_400_at,
    assert_400_ending,
    assert_error,
    caso_en_estado,
    detalle,
    historial,
    is_uuid,
    parse_ts,
)
from tests.conftest import Api
from tests.factories import clasificar, crear_caso, crear_colaborador
from vetanco.casos.models import Caso, Clasificacion
from vetanco.db import Database


def put(api: Api, numero: str, role: str | None = "admin", **body: Any) -> httpx.Response:
    return api.put(f"/api/casos/{numero}/clasificar", json=body, role=role)


def _clasificaciones(db: Database, numero: str) -> list[Clasificacion]:
    with db.transaction(write=False) as session:
        caso_id = session.scalar(select(Caso.id).where(Caso.numero_caso == numero))
        stmt = (
            select(Clasificacion)
            .where(Clasificacion.caso_id == caso_id)
            .order_by(Clasificacion.created_at)
        )
        return list(session.scalars(stmt))


def test_respuesta_con_la_forma_del_spec(api: Api) -> None:
    numero = crear_caso(api)
    colaborador = crear_colaborador(api)
    response = put(
        api,
        numero,
        tipo_caso="reclamo",
        criticidad="critico",
        justificacion="justificado",
        motivo="Análisis de laboratorio confirmó contaminación del lote",
        evidencias="Informe Lab-2025-456",
        clasificado_por=colaborador,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"status", "caso", "clasificacion_registrada"}
    assert body["status"] == "success"
    caso = body["caso"]
    assert set(caso) == {"numero_caso", "tipo_caso", "criticidad", "justificacion", "updated_at"}
    assert caso["numero_caso"] == numero
    assert caso["tipo_caso"] == "reclamo"
    assert caso["criticidad"] == "critico"
    assert caso["justificacion"] == "justificado"
    registrada = body["clasificacion_registrada"]
    assert set(registrada) == {"id", "created_at"}
    assert is_uuid(registrada["id"])
    assert parse_ts(registrada["created_at"]) == parse_ts(caso["updated_at"])


def test_clasificacion_queda_en_el_detalle(api: Api) -> None:
    numero = crear_caso(api)
    clasificar(api, numero, "reclamo", "mayor", justificacion="no_justificado")
    caso = detalle(api, numero)
    assert caso["tipo_caso"] == "reclamo"
    assert caso["criticidad"] == "mayor"
    assert caso["justificacion"] == "no_justificado"
    assert caso["clasificado_at"] is not None
    assert parse_ts(caso["updated_at"]) > parse_ts(caso["created_at"])


def test_sin_justificacion_queda_pendiente_investigacion(api: Api) -> None:
    numero = crear_caso(api)
    response = put(api, numero, tipo_caso="queja")
    assert response.status_code == 200, response.text
    assert response.json()["caso"]["justificacion"] == "pendiente_investigacion"
    assert response.json()["caso"]["criticidad"] is None


def test_primera_clasificacion_no_exige_motivo(api: Api) -> None:
    numero = crear_caso(api)
    assert put(api, numero, tipo_caso="comentario").status_code == 200


def test_reclasificacion_sin_motivo_es_400(api: Api) -> None:
    numero = crear_caso(api)
    clasificar(api, numero, "reclamo", "menor")
    assert_400_at(put(api, numero, tipo_caso="reclamo", criticidad="critico"), ["body", "motivo"])
    assert detalle(api, numero)["criticidad"] == "menor"


def test_reclasificacion_con_motivo_vacio_es_400(api: Api) -> None:
    numero = crear_caso(api)
    clasificar(api, numero, "queja", None)
    response = put(api, numero, tipo_caso="reclamo", criticidad="mayor", motivo="   ")
    assert_400_at(response, ["body", "motivo"])


def test_caso_creado_clasificado_tambien_exige_motivo(api: Api) -> None:
    numero = crear_caso(api, tipo_caso="queja")
    assert_400_at(put(api, numero, tipo_caso="comentario"), ["body", "motivo"])


def test_reclasificacion_con_motivo(api: Api, db: Database) -> None:
    numero = crear_caso(api)
    clasificar(api, numero, "reclamo", "menor")
    response = put(
        api, numero, tipo_caso="reclamo", criticidad="critico", motivo="Lab confirmó contaminación"
    )
    assert response.status_code == 200, response.text
    assert detalle(api, numero)["criticidad"] == "critico"
    registros = _clasificaciones(db, numero)
    assert [(r.tipo_caso_anterior, r.tipo_caso, r.criticidad) for r in registros] == [
        ("pendiente_clasificacion", "reclamo", "menor"),
        ("reclamo", "reclamo", "critico"),
    ]
    assert str(registros[-1].id) == response.json()["clasificacion_registrada"]["id"]
    assert registros[-1].motivo == "Lab confirmó contaminación"


def test_reclamo_a_queja_limpia_la_criticidad(api: Api) -> None:
    numero = crear_caso(api, tipo_caso="reclamo", criticidad="mayor")
    response = put(api, numero, tipo_caso="queja", motivo="Era un problema de entrega")
    assert response.status_code == 200, response.text
    assert response.json()["caso"]["criticidad"] is None
    assert detalle(api, numero)["criticidad"] is None


def test_reclamo_sin_criticidad_es_400(api: Api) -> None:
    numero = crear_caso(api)
    assert_400_ending(put(api, numero, tipo_caso="reclamo"), "criticidad")


@pytest.mark.parametrize("tipo", ["queja", "comentario"])
def test_criticidad_en_queja_o_comentario_es_400(api: Api, tipo: str) -> None:
    numero = crear_caso(api)
    assert_400_ending(put(api, numero, tipo_caso=tipo, criticidad="critico"), "criticidad")


@pytest.mark.parametrize(
    ("body", "last"),
    [
        ({}, "tipo_caso"),
        ({"tipo_caso": "pendiente_clasificacion"}, "tipo_caso"),
        ({"tipo_caso": "incidente"}, "tipo_caso"),
        ({"tipo_caso": "reclamo", "criticidad": "alta"}, "criticidad"),
        ({"tipo_caso": "queja", "justificacion": "quizas"}, "justificacion"),
        ({"tipo_caso": "queja", "clasificado_por": "uuid-colaborador"}, "clasificado_por"),
        ({"tipo_caso": "queja", "prioridad": "alta"}, "prioridad"),
    ],
)
def test_cuerpos_invalidos_son_400(api: Api, body: dict[str, Any], last: str) -> None:
    numero = crear_caso(api)
    assert_400_ending(api.put(f"/api/casos/{numero}/clasificar", json=body), last)


def test_clasificado_por_desconocido_es_400(api: Api, db: Database) -> None:
    numero = crear_caso(api)
    response = put(api, numero, tipo_caso="queja", clasificado_por=str(uuid.uuid4()))
    assert_400_at(response, ["body", "clasificado_por"])
    assert detalle(api, numero)["tipo_caso"] == "pendiente_clasificacion"
    assert _clasificaciones(db, numero) == []


def test_clasificado_por_existente_se_registra(api: Api, db: Database) -> None:
    numero = crear_caso(api)
    colaborador = crear_colaborador(api)
    assert put(api, numero, tipo_caso="queja", clasificado_por=colaborador).status_code == 200
    [registro] = _clasificaciones(db, numero)
    assert str(registro.clasificado_por) == colaborador


def test_caso_cerrado_no_se_reclasifica_409(api: Api) -> None:
    numero = caso_en_estado(api, "cerrado")
    response = put(api, numero, tipo_caso="comentario", motivo="Revisión posterior")
    assert_error(response, 409)
    assert detalle(api, numero)["tipo_caso"] == "queja"


@pytest.mark.parametrize("estado", ["en_investigacion", "resuelto"])
def test_caso_abierto_o_resuelto_si_se_reclasifica(api: Api, estado: str) -> None:
    numero = caso_en_estado(api, estado)
    response = put(api, numero, tipo_caso="comentario", motivo="Revisión posterior")
    assert response.status_code == 200, response.text


def test_caso_inexistente_es_404(api: Api) -> None:
    assert_error(put(api, "VET-2025-99999", tipo_caso="queja"), 404)


def test_numero_mal_formado_es_400(api: Api) -> None:
    assert_error(put(api, "VET-2025-1", tipo_caso="queja"), 400)


def test_historial_registra_la_clasificacion(api: Api) -> None:
    numero = crear_caso(api)
    colaborador = crear_colaborador(api)
    clasificar(api, numero, "reclamo", "menor")
    put(
        api,
        numero,
        tipo_caso="reclamo",
        criticidad="critico",
        justificacion="justificado",
        motivo="Lab confirmó contaminación",
        evidencias="Informe Lab-2025-456",
        clasificado_por=colaborador,
    )
    entradas = historial(api, numero)
    assert [e["accion"] for e in entradas] == ["creado", "clasificado", "clasificado"]
    primera, segunda = entradas[1], entradas[2]
    assert primera["cambios"]["tipo_caso"] == {
        "antes": "pendiente_clasificacion",
        "despues": "reclamo",
    }
    assert primera["cambios"]["criticidad"] == {"antes": None, "despues": "menor"}
    assert segunda["cambios"]["criticidad"] == {"antes": "menor", "despues": "critico"}
    assert segunda["cambios"]["justificacion"] == {
        "antes": "pendiente_investigacion",
        "despues": "justificado",
    }
    assert "tipo_caso" not in segunda["cambios"]
    assert segunda["motivo"] == "Lab confirmó contaminación"
    assert segunda["colaborador_id"] == colaborador
    assert segunda["hash_anterior"] == primera["hash"]
    assert [e["secuencia"] for e in entradas] == [1, 2, 3]


def test_rechazo_no_deja_rastro_en_historial(api: Api) -> None:
    numero = crear_caso(api)
    clasificar(api, numero, "queja", None)
    assert put(api, numero, tipo_caso="comentario").status_code == 400
    assert [e["accion"] for e in historial(api, numero)] == ["creado", "clasificado"]


@pytest.mark.parametrize(
    ("role", "status"), [("admin", 200), ("calidad", 200), ("colaborador", 403), ("lectura", 403)]
)
def test_permisos_por_rol(api: Api, role: str, status: int) -> None:
    numero = crear_caso(api)
    response = put(api, numero, role=role, tipo_caso="queja")
    assert response.status_code == status, response.text
    if status == 403:
        assert_error(response, 403, "forbidden")
        assert detalle(api, numero)["tipo_caso"] == "pendiente_clasificacion"


def test_sin_api_key_es_401(api: Api) -> None:
    numero = crear_caso(api)
    assert_error(put(api, numero, role=None, tipo_caso="queja"), 401)
