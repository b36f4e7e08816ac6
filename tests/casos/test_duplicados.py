"""Duplicate detection (same client, lot and story while open) and the Idempotency-Key header."""

from __future__ import annotations

import copy
import uuid

import pytest
from sqlalchemy import func, select

from tests.casos.helpers import assert_error, mover_ok
from tests.conftest import Api
from tests.factories import caso_payload, clasificar, cuit_valido
from vetanco.casos.models import Caso, IdempotencyRecord
from vetanco.db import Database


def _contar_casos(db: Database) -> int:
    with db.transaction(write=False) as session:
        return int(session.scalar(select(func.count(Caso.id))) or 0)


def _payload(texto: str = "Intoxicación en bovinos tras aplicar el producto", lote: str = "ABC123"):
    return caso_payload(producto={"numero_lote": lote}, descripcion={"que_sucedio": texto})


# ---------------------------------------------------------------- duplicados


def test_mismo_cliente_lote_y_texto_abierto_es_409(api: Api, db: Database) -> None:
    primero = api.post("/api/casos", json=_payload())
    assert primero.status_code == 201
    numero = primero.json()["caso"]["numero_caso"]
    segundo = api.post("/api/casos", json=_payload())
    body = assert_error(segundo, 409, "caso_duplicado")
    assert body["numero_caso"] == numero
    assert numero in body["message"]
    assert _contar_casos(db) == 1


@pytest.mark.parametrize(
    "variante",
    [
        "INTOXICACION EN BOVINOS TRAS APLICAR EL PRODUCTO",
        "intoxicacion en bovinos tras aplicar el producto",
        "Intoxicación, en bovinos... tras aplicar el producto!",
        "  Intoxicación   en bovinos\ntras aplicar el producto. ",
    ],
)
def test_texto_normalizado_mayusculas_acentos_puntuacion(api: Api, variante: str) -> None:
    numero = api.post("/api/casos", json=_payload()).json()["caso"]["numero_caso"]
    body = assert_error(api.post("/api/casos", json=_payload(variante)), 409, "caso_duplicado")
    assert body["numero_caso"] == numero


def test_lote_sin_distinguir_mayusculas(api: Api) -> None:
    assert api.post("/api/casos", json=_payload(lote="abc123")).status_code == 201
    assert_error(api.post("/api/casos", json=_payload(lote="ABC123")), 409, "caso_duplicado")


def test_cuit_con_y_sin_guiones_es_el_mismo_cliente(api: Api) -> None:
    assert api.post("/api/casos", json=_payload()).status_code == 201
    otro = _payload()
    otro["cliente"]["cuit"] = "30123456781"
    assert_error(api.post("/api/casos", json=otro), 409, "caso_duplicado")


def test_otro_lote_no_es_duplicado(api: Api) -> None:
    assert api.post("/api/casos", json=_payload(lote="ABC123")).status_code == 201
    assert api.post("/api/casos", json=_payload(lote="XYZ999")).status_code == 201


def test_otro_texto_no_es_duplicado(api: Api) -> None:
    assert api.post("/api/casos", json=_payload("Frasco roto al abrir")).status_code == 201
    assert api.post("/api/casos", json=_payload("Etiqueta ilegible")).status_code == 201


def test_otro_cuit_no_es_duplicado(api: Api) -> None:
    assert api.post("/api/casos", json=_payload()).status_code == 201
    otro = _payload()
    otro["cliente"]["cuit"] = cuit_valido(42)
    assert api.post("/api/casos", json=otro).status_code == 201


def test_sigue_duplicado_en_investigacion(api: Api) -> None:
    """en_investigacion is still an open case."""
    numero = api.post("/api/casos", json=_payload()).json()["caso"]["numero_caso"]
    clasificar(api, numero, "queja", None)
    mover_ok(api, numero, "en_investigacion")
    body = assert_error(api.post("/api/casos", json=_payload()), 409, "caso_duplicado")
    assert body["numero_caso"] == numero


@pytest.mark.parametrize("final", [["resuelto"], ["resuelto", "cerrado"]])
def test_primero_resuelto_o_cerrado_permite_nuevo_caso(api: Api, final: list[str]) -> None:
    numero = api.post("/api/casos", json=_payload()).json()["caso"]["numero_caso"]
    clasificar(api, numero, "queja", None)
    for estado in final:
        mover_ok(api, numero, estado)
    segundo = api.post("/api/casos", json=_payload())
    assert segundo.status_code == 201, segundo.text
    assert segundo.json()["caso"]["numero_caso"] != numero


def test_reabierto_vuelve_a_bloquear_duplicados(api: Api) -> None:
    numero = api.post("/api/casos", json=_payload()).json()["caso"]["numero_caso"]
    clasificar(api, numero, "queja", None)
    mover_ok(api, numero, "resuelto")
    mover_ok(api, numero, "en_investigacion")
    body = assert_error(api.post("/api/casos", json=_payload()), 409, "caso_duplicado")
    assert body["numero_caso"] == numero


# ---------------------------------------------------------------- Idempotency-Key


def test_reintento_con_misma_clave_repite_respuesta(api: Api, db: Database) -> None:
    payload = caso_payload()
    headers = {"Idempotency-Key": "erp-req-0001"}
    primero = api.post("/api/casos", json=payload, headers=headers)
    assert primero.status_code == 201, primero.text
    assert "idempotent-replayed" not in primero.headers
    segundo = api.post("/api/casos", json=copy.deepcopy(payload), headers=headers)
    assert segundo.status_code == primero.status_code
    assert segundo.content == primero.content
    assert segundo.json() == primero.json()
    assert segundo.headers["idempotent-replayed"] == "true"
    assert segundo.headers["location"] == primero.headers["location"]
    assert _contar_casos(db) == 1


def test_varios_reintentos_un_solo_caso(api: Api, db: Database) -> None:
    payload = caso_payload()
    headers = {"Idempotency-Key": "retry-storm"}
    bodies = {api.post("/api/casos", json=payload, headers=headers).text for _ in range(4)}
    assert len(bodies) == 1
    assert _contar_casos(db) == 1
    with db.transaction(write=False) as session:
        assert session.scalar(select(func.count(IdempotencyRecord.id))) == 1


def test_misma_clave_con_otro_cuerpo_es_409(api: Api, db: Database) -> None:
    headers = {"Idempotency-Key": "erp-req-0002"}
    assert api.post("/api/casos", json=caso_payload(), headers=headers).status_code == 201
    otro = api.post("/api/casos", json=caso_payload(), headers=headers)
    body = assert_error(otro, 409)
    assert body["error"] != "caso_duplicado"
    assert "idempotent-replayed" not in otro.headers
    assert _contar_casos(db) == 1


def test_claves_distintas_crean_casos_distintos(api: Api, db: Database) -> None:
    a = api.post("/api/casos", json=caso_payload(), headers={"Idempotency-Key": "k-a"})
    b = api.post("/api/casos", json=caso_payload(), headers={"Idempotency-Key": "k-b"})
    assert a.status_code == b.status_code == 201
    assert a.json()["caso"]["numero_caso"] != b.json()["caso"]["numero_caso"]
    assert _contar_casos(db) == 2


def test_las_claves_son_por_api_key(api: Api, db: Database) -> None:
    """The same Idempotency-Key from another API key is a separate request, not a replay or a 409."""
    headers = {"Idempotency-Key": "compartida"}
    admin = api.post("/api/casos", json=caso_payload(), headers=headers, role="admin")
    colab = api.post("/api/casos", json=caso_payload(), headers=headers, role="colaborador")
    assert admin.status_code == 201, admin.text
    assert colab.status_code == 201, colab.text
    assert "idempotent-replayed" not in colab.headers
    assert admin.json()["caso"]["numero_caso"] != colab.json()["caso"]["numero_caso"]
    tercera = api.post("/api/casos", json=caso_payload(), headers=headers, role="calidad")
    assert tercera.status_code == 201
    assert _contar_casos(db) == 3


def test_reintento_sin_clave_de_cuerpo_identico_es_duplicado(api: Api) -> None:
    """Without the header, the duplicate rule (not idempotency) answers the retry."""
    payload = caso_payload()
    assert api.post("/api/casos", json=payload).status_code == 201
    assert_error(api.post("/api/casos", json=payload), 409, "caso_duplicado")


def test_rechazo_no_consume_la_clave(api: Api, db: Database) -> None:
    """A 400 found by the service under a key leaves it free for the corrected request."""
    headers = {"Idempotency-Key": "corregido"}
    malo = caso_payload(colaborador_id=str(uuid.uuid4()))
    assert_error(api.post("/api/casos", json=malo, headers=headers), 400)
    bueno = api.post("/api/casos", json=caso_payload(), headers=headers)
    assert bueno.status_code == 201, bueno.text
    assert _contar_casos(db) == 1


def test_clave_demasiado_larga_es_400(api: Api) -> None:
    response = api.post("/api/casos", json=caso_payload(), headers={"Idempotency-Key": "k" * 256})
    assert_error(response, 400)
