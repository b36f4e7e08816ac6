"""POST /api/casos: success shape, numbering, initial classification and every rejection."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.casos.helpers import (
    assert_400_at,
    assert_400_ending,
    assert_error,
    detalle,
    is_uuid,
    parse_ts,
)
from tests.conftest import Api
from tests.factories import caso_payload, crear_caso, crear_colaborador, cuit_valido

NUMERO = re.compile(r"^VET-(\d{4})-(\d{5})$")


def test_crear_devuelve_201_con_forma_del_spec(api: Api) -> None:
    antes = datetime.now(UTC)
    response = api.post("/api/casos", json=caso_payload())
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["status"] == "success"
    assert set(body) == {"status", "caso"}
    assert set(body["caso"]) == {"id", "numero_caso", "created_at"}
    assert is_uuid(body["caso"]["id"])
    assert NUMERO.match(body["caso"]["numero_caso"])
    created = parse_ts(body["caso"]["created_at"])
    assert antes - timedelta(seconds=5) <= created <= datetime.now(UTC) + timedelta(seconds=5)


def test_location_apunta_al_detalle(api: Api) -> None:
    response = api.post("/api/casos", json=caso_payload())
    numero = response.json()["caso"]["numero_caso"]
    assert response.headers["location"] == f"/api/casos/{numero}"
    follow = api.get(response.headers["location"])
    assert follow.status_code == 200
    assert follow.json()["caso"]["id"] == response.json()["caso"]["id"]


def test_numeracion_consecutiva_por_anio_desde_00001(api: Api) -> None:
    anio = datetime.now(UTC).year
    numeros = [crear_caso(api) for _ in range(4)]
    assert numeros == [f"VET-{anio}-{n:05d}" for n in range(1, 5)]


def test_numeracion_no_salta_tras_un_rechazo(api: Api) -> None:
    """A rejected request (duplicate, bad colaborador) must not burn a number."""
    anio = datetime.now(UTC).year
    payload = caso_payload()
    assert api.post("/api/casos", json=payload).status_code == 201
    assert api.post("/api/casos", json=payload).status_code == 409
    malo = caso_payload(colaborador_id=str(uuid.uuid4()))
    assert api.post("/api/casos", json=malo).status_code == 400
    assert crear_caso(api) == f"VET-{anio}-00002"


def test_sin_tipo_llega_pendiente_de_clasificacion(api: Api) -> None:
    caso = detalle(api, crear_caso(api))
    assert caso["tipo_caso"] == "pendiente_clasificacion"
    assert caso["criticidad"] is None
    assert caso["justificacion"] is None
    assert caso["estado"] == "nuevo"


@pytest.mark.parametrize(
    ("tipo", "criticidad"),
    [
        ("reclamo", "critico"),
        ("reclamo", "mayor"),
        ("reclamo", "menor"),
        ("queja", None),
        ("comentario", None),
    ],
)
def test_con_tipo_llega_clasificado(api: Api, tipo: str, criticidad: str | None) -> None:
    numero = crear_caso(api, tipo_caso=tipo, criticidad=criticidad)
    caso = detalle(api, numero)
    assert caso["tipo_caso"] == tipo
    assert caso["criticidad"] == criticidad
    assert caso["justificacion"] == "pendiente_investigacion"
    assert caso["estado"] == "nuevo"
    assert caso["clasificado_at"] is not None


def test_reclamo_sin_criticidad_es_400(api: Api) -> None:
    response = api.post("/api/casos", json=caso_payload(tipo_caso="reclamo"))
    assert_400_ending(response, "criticidad")


@pytest.mark.parametrize("tipo", ["queja", "comentario"])
def test_criticidad_fuera_de_reclamo_es_400(api: Api, tipo: str) -> None:
    response = api.post("/api/casos", json=caso_payload(tipo_caso=tipo, criticidad="menor"))
    assert_400_ending(response, "criticidad")


def test_tipo_pendiente_no_se_puede_enviar(api: Api) -> None:
    payload = caso_payload(tipo_caso="pendiente_clasificacion")
    assert_400_ending(api.post("/api/casos", json=payload), "tipo_caso")


def test_reclamo_sin_producto_es_400(api: Api) -> None:
    payload = caso_payload(tipo_caso="reclamo", criticidad="mayor")
    payload.pop("producto")
    assert_400_ending(api.post("/api/casos", json=payload), "productos")


@pytest.mark.parametrize(
    ("campo", "valor"), [("criticidad", "menor"), ("justificacion", "justificado")]
)
def test_criticidad_o_justificacion_sin_tipo_es_400(api: Api, campo: str, valor: str) -> None:
    """Half a classification is refused instead of being silently dropped."""
    assert_400_ending(api.post("/api/casos", json=caso_payload(**{campo: valor})), campo)


def test_colaborador_vetanco_sin_colaborador_id_es_400(api: Api) -> None:
    payload = caso_payload(tipo_usuario_registro="colaborador_vetanco")
    assert_400_at(api.post("/api/casos", json=payload), ["body", "colaborador_id"])


def test_colaborador_id_desconocido_es_400(api: Api) -> None:
    payload = caso_payload(
        tipo_usuario_registro="colaborador_vetanco", colaborador_id=str(uuid.uuid4())
    )
    assert_400_at(api.post("/api/casos", json=payload), ["body", "colaborador_id"])
    assert api.get("/api/casos").json()["pagination"]["total"] == 0


def test_colaborador_existente_queda_registrado(api: Api) -> None:
    colaborador = crear_colaborador(api, nombre="María González", cargo="Asesora de Ventas")
    numero = crear_caso(
        api, tipo_usuario_registro="colaborador_vetanco", colaborador_id=colaborador
    )
    caso = detalle(api, numero)
    assert caso["colaborador_registro"]["nombre"] == "María González"
    assert caso["colaborador_registro"]["cargo"] == "Asesora de Ventas"
    assert caso["tipo_usuario_registro"] == "colaborador_vetanco"


def test_cuit_del_ejemplo_del_spec_es_400(api: Api) -> None:
    """30-12345678-9 has a wrong check digit (the right one is 1)."""
    payload = caso_payload(cliente={"cuit": "30-12345678-9"})
    body = assert_400_at(api.post("/api/casos", json=payload), ["body", "cliente", "cuit"])
    assert body["error"] == "validation_error"


@pytest.mark.parametrize("cuit", ["30-12345678-10", "3012345678", "abc", "30-12345678-2", ""])
def test_cuit_mal_formado_es_400(api: Api, cuit: str) -> None:
    response = api.post("/api/casos", json=caso_payload(cliente={"cuit": cuit}))
    assert_400_at(response, ["body", "cliente", "cuit"])


def test_cuit_sin_guiones_se_normaliza(api: Api) -> None:
    numero = crear_caso(api, cliente={"cuit": "30123456781"})
    assert detalle(api, numero)["cliente"]["cuit"] == "30-12345678-1"


def test_cuit_valido_generado_se_acepta(api: Api) -> None:
    cuit = cuit_valido(7)
    numero = crear_caso(api, cliente={"cuit": cuit})
    assert detalle(api, numero)["cliente"]["cuit"] == cuit


def test_campo_desconocido_es_400(api: Api) -> None:
    payload = caso_payload(prioridad="alta")
    assert_400_at(api.post("/api/casos", json=payload), ["body", "prioridad"])


def test_campo_desconocido_anidado_es_400(api: Api) -> None:
    payload = caso_payload(producto={"color": "azul"})
    assert_400_at(api.post("/api/casos", json=payload), ["body", "producto", "color"])


@pytest.mark.parametrize(
    ("mutate", "last"),
    [
        (lambda p: p.pop("cliente"), "cliente"),
        (lambda p: p.pop("descripcion"), "descripcion"),
        (lambda p: p["descripcion"].pop("que_sucedio"), "que_sucedio"),
        (lambda p: p.update(canal="fax"), "canal"),
        (lambda p: p.update(tipo_caso="urgente"), "tipo_caso"),
        (lambda p: p["producto"].update(estado_producto="roto"), "estado_producto"),
        (lambda p: p["producto"].update(cantidad_afectada=-1), "cantidad_afectada"),
        (lambda p: p["producto"].update(fecha_vencimiento="31/12/2026"), "fecha_vencimiento"),
        (lambda p: p["cliente"].update(email="no-es-email"), "email"),
    ],
)
def test_cuerpos_invalidos_son_400_nunca_422(api: Api, mutate: Any, last: str) -> None:
    payload = caso_payload()
    mutate(payload)
    assert_400_ending(api.post("/api/casos", json=payload), last)


def test_cuando_ocurrio_en_el_futuro_es_400(api: Api) -> None:
    futuro = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    payload = caso_payload(descripcion={"cuando_ocurrio": futuro})
    body = assert_error(api.post("/api/casos", json=payload), 400)
    assert any("descripcion" in loc for loc in (e["loc"] for e in body["details"]))


def test_cuerpo_no_objeto_es_400(api: Api) -> None:
    assert_error(api.post("/api/casos", json=[1, 2, 3]), 400)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_content_type_no_json_es_400(api: Api, content_type: str | None) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = api.post("/api/casos", content=json.dumps(caso_payload()), headers=headers)
    assert_error(response, 400)
    assert api.get("/api/casos").json()["pagination"]["total"] == 0


def test_json_mal_formado_es_400(api: Api) -> None:
    response = api.post(
        "/api/casos",
        content=b'{"cliente": {"nombre_apellido": "Juan",',
        headers={"Content-Type": "application/json"},
    )
    assert_error(response, 400)


def test_cuerpo_vacio_es_400(api: Api) -> None:
    response = api.post("/api/casos", content=b"", headers={"Content-Type": "application/json"})
    assert_error(response, 400)


def test_cuerpo_mayor_a_1_mib_es_413(api: Api) -> None:
    payload = caso_payload(descripcion={"descripcion_libre": "x" * (1024 * 1024 + 10)})
    response = api.post("/api/casos", json=payload)
    assert_error(response, 413)
    assert api.get("/api/casos").json()["pagination"]["total"] == 0


def test_cuerpo_justo_bajo_el_limite_no_es_413(api: Api) -> None:
    """A body near (but under) 1 MiB is judged on content (here: too long a field → 400)."""
    payload = caso_payload(descripcion={"descripcion_libre": "x" * (1024 * 1024 - 2048)})
    response = api.post("/api/casos", json=payload)
    assert_400_ending(response, "descripcion_libre")


def test_varios_productos_y_adjuntos(api: Api) -> None:
    payload = caso_payload()
    payload.pop("producto")
    payload["productos"] = [
        {"nombre_producto": "Vetancilina 100ml", "numero_lote": "L-1"},
        {"nombre_producto": "Ivermectina 1%", "numero_lote": "L-2"},
    ]
    payload["adjuntos"] = [
        {"tipo": "foto", "url": "https://storage.ejemplo.com/a.jpg", "nombre": "a.jpg"}
    ]
    response = api.post("/api/casos", json=payload)
    assert response.status_code == 201, response.text
    caso = detalle(api, response.json()["caso"]["numero_caso"])
    assert [p["numero_lote"] for p in caso["productos_afectados"]] == ["L-1", "L-2"]
    assert [{k: a[k] for k in ("tipo", "url", "nombre", "estado")} for a in caso["adjuntos"]] == [
        {
            "tipo": "foto",
            "url": "https://storage.ejemplo.com/a.jpg",
            "nombre": "a.jpg",
            "estado": "externo",
        }
    ]


def test_producto_y_productos_a_la_vez_es_400(api: Api) -> None:
    payload = caso_payload(productos=[{"nombre_producto": "Otro"}])
    assert_400_ending(api.post("/api/casos", json=payload), "productos")


def test_cuerpo_mayor_a_1_mib_sin_content_length_es_413(api: Api) -> None:
    """A chunked upload is cut off while streaming, with the same JSON error."""
    payload = caso_payload(descripcion={"descripcion_libre": "x" * (1024 * 1024 + 10)})
    raw = json.dumps(payload).encode()

    def chunks() -> Iterator[bytes]:
        for i in range(0, len(raw), 64 * 1024):
            yield raw[i : i + 64 * 1024]

    response = api.post(
        "/api/casos", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert "content-length" not in response.request.headers
    assert_error(response, 413)


def test_content_type_json_con_charset_se_acepta(api: Api) -> None:
    response = api.post(
        "/api/casos",
        content=json.dumps(caso_payload()).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert response.status_code == 201, response.text


def test_cuerpo_json_null_es_400(api: Api) -> None:
    response = api.post("/api/casos", content=b"null", headers={"Content-Type": "application/json"})
    assert_error(response, 400)
