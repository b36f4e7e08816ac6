"""PUT /api/casos/{numero_caso}/estado: the whole state machine and the GMP resolution rules."""

from __future__ import annotations

import itertools

import pytest

from tests.casos.helpers import (
    RESOLUCION,
    assert_400_at,
    assert_400_ending,
    assert_error,
    caso_en_estado,
    detalle,
    historial,
    iniciar_investigacion,
    mover,
    mover_ok,
    parse_ts,
)
from tests.conftest import Api
from tests.factories import clasificar, crear_caso

ESTADOS = ["nuevo", "en_investigacion", "resuelto", "cerrado"]
PERMITIDAS: dict[str, set[str]] = {
    "nuevo": {"en_investigacion", "resuelto"},
    "en_investigacion": {"resuelto"},
    "resuelto": {"en_investigacion", "cerrado"},
    "cerrado": set(),
}


@pytest.mark.parametrize(("desde", "hacia"), list(itertools.product(ESTADOS, ESTADOS)))
def test_maquina_de_estados(api: Api, desde: str, hacia: str) -> None:
    """Each of the 16 (from, to) pairs: the 5 allowed ones succeed, all others are 409."""
    numero = caso_en_estado(api, desde)
    response = mover(api, numero, hacia)
    if hacia in PERMITIDAS[desde]:
        assert response.status_code == 200, response.text
        assert response.json()["caso"]["estado"] == hacia
        assert detalle(api, numero)["estado"] == hacia
    else:
        body = assert_error(response, 409, "transicion_invalida")
        assert body["transiciones_permitidas"] == sorted(PERMITIDAS[desde])
        assert desde in body["message"]
        assert hacia in body["message"]
        assert detalle(api, numero)["estado"] == desde


def test_respuesta_con_la_forma_del_spec(api: Api) -> None:
    numero = caso_en_estado(api, "en_investigacion")
    antes = detalle(api, numero)["updated_at"]
    response = mover(
        api,
        numero,
        "resuelto",
        acciones_correctivas="Revisión de proceso de control de calidad",
        acciones_preventivas="Implementación de double-check en llenado",
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "success"
    assert set(body) == {"status", "caso"}
    assert set(body["caso"]) == {"numero_caso", "estado", "updated_at"}
    assert body["caso"]["numero_caso"] == numero
    assert body["caso"]["estado"] == "resuelto"
    assert parse_ts(body["caso"]["updated_at"]) > parse_ts(antes)
    caso = detalle(api, numero)
    assert caso["resolucion"] == RESOLUCION
    assert caso["acciones_correctivas"] == "Revisión de proceso de control de calidad"
    assert caso["acciones_preventivas"] == "Implementación de double-check en llenado"


def test_cerrado_es_final(api: Api) -> None:
    numero = caso_en_estado(api, "cerrado")
    for hacia in ESTADOS:
        body = assert_error(mover(api, numero, hacia), 409, "transicion_invalida")
        assert body["transiciones_permitidas"] == []
    assert detalle(api, numero)["estado"] == "cerrado"


def test_camino_completo_con_reapertura(api: Api) -> None:
    numero = caso_en_estado(api, "nuevo")
    for paso in ["en_investigacion", "resuelto", "en_investigacion", "resuelto", "cerrado"]:
        mover_ok(api, numero, paso)
    entradas = [e for e in historial(api, numero) if e["accion"] == "estado_actualizado"]
    assert [
        (e["cambios"]["estado"]["antes"], e["cambios"]["estado"]["despues"]) for e in entradas
    ] == [
        ("nuevo", "en_investigacion"),
        ("en_investigacion", "resuelto"),
        ("resuelto", "en_investigacion"),
        ("en_investigacion", "resuelto"),
        ("resuelto", "cerrado"),
    ]


def test_resuelto_sin_resolucion_es_400(api: Api) -> None:
    numero = caso_en_estado(api, "en_investigacion")
    response = api.put(f"/api/casos/{numero}/estado", json={"estado": "resuelto"})
    assert_400_at(response, ["body", "resolucion"])
    assert detalle(api, numero)["estado"] == "en_investigacion"


def test_resuelto_con_resolucion_en_blanco_es_400(api: Api) -> None:
    numero = caso_en_estado(api, "nuevo")
    response = mover(api, numero, "resuelto", resolucion="   ")
    assert_400_at(response, ["body", "resolucion"])
    assert detalle(api, numero)["estado"] == "nuevo"


def test_resolver_caso_pendiente_de_clasificacion_es_409(api: Api) -> None:
    numero = crear_caso(api)
    assert_error(mover(api, numero, "resuelto"), 409)
    caso = detalle(api, numero)
    assert caso["estado"] == "nuevo"
    assert caso["resuelto_at"] is None


def test_pendiente_de_clasificacion_puede_investigarse(api: Api) -> None:
    numero = crear_caso(api)
    mover_ok(api, numero, "en_investigacion")
    assert_error(mover(api, numero, "resuelto"), 409)
    clasificar(api, numero, "queja", None)
    mover_ok(api, numero, "resuelto")


@pytest.mark.parametrize("criticidad", ["critico", "mayor"])
def test_reclamo_grave_sin_investigacion_no_se_resuelve(api: Api, criticidad: str) -> None:
    numero = crear_caso(api, tipo_caso="reclamo", criticidad=criticidad)
    body = assert_error(mover(api, numero, "resuelto"), 409)
    assert body["error"] != "transicion_invalida"
    assert "causa_raiz" in body["message"]
    assert detalle(api, numero)["estado"] == "nuevo"


@pytest.mark.parametrize("criticidad", ["critico", "mayor"])
def test_reclamo_grave_con_investigacion_sin_causa_raiz_no_se_resuelve(
    api: Api, criticidad: str
) -> None:
    numero = crear_caso(api, tipo_caso="reclamo", criticidad=criticidad)
    iniciar_investigacion(api, numero)
    assert_error(mover(api, numero, "resuelto"), 409)
    assert detalle(api, numero)["estado"] == "en_investigacion"


@pytest.mark.parametrize("criticidad", ["critico", "mayor"])
def test_reclamo_grave_con_causa_raiz_se_resuelve(api: Api, criticidad: str) -> None:
    numero = crear_caso(api, tipo_caso="reclamo", criticidad=criticidad)
    iniciar_investigacion(api, numero, causa_raiz="Falla en limpieza de tanque de mezclado")
    mover_ok(api, numero, "resuelto")
    assert detalle(api, numero)["estado"] == "resuelto"


def test_reclamo_menor_se_resuelve_sin_investigacion(api: Api) -> None:
    numero = crear_caso(api, tipo_caso="reclamo", criticidad="menor")
    mover_ok(api, numero, "resuelto")
    assert detalle(api, numero)["estado"] == "resuelto"


@pytest.mark.parametrize("tipo", ["queja", "comentario"])
def test_queja_y_comentario_se_resuelven_sin_investigacion(api: Api, tipo: str) -> None:
    numero = crear_caso(api, tipo_caso=tipo)
    mover_ok(api, numero, "resuelto")


def test_reclasificado_a_critico_exige_causa_raiz(api: Api) -> None:
    numero = crear_caso(api, tipo_caso="reclamo", criticidad="menor")
    clasificar(api, numero, "reclamo", "critico", motivo="Se confirmaron muertes")
    assert_error(mover(api, numero, "resuelto"), 409)


def test_resuelto_at_se_fija_al_resolver_y_se_borra_al_reabrir(api: Api) -> None:
    numero = caso_en_estado(api, "nuevo")
    assert detalle(api, numero)["resuelto_at"] is None
    mover_ok(api, numero, "resuelto")
    primera = detalle(api, numero)["resuelto_at"]
    assert primera is not None
    parse_ts(primera)
    mover_ok(api, numero, "en_investigacion")
    reabierto = detalle(api, numero)
    assert reabierto["resuelto_at"] is None
    assert reabierto["en_investigacion_at"] is not None
    mover_ok(api, numero, "resuelto")
    segunda = detalle(api, numero)["resuelto_at"]
    assert segunda is not None
    assert parse_ts(segunda) > parse_ts(primera)


def test_marcas_de_tiempo_por_estado(api: Api) -> None:
    numero = caso_en_estado(api, "nuevo")
    caso = detalle(api, numero)
    assert caso["en_investigacion_at"] is None
    assert caso["cerrado_at"] is None
    for paso in ["en_investigacion", "resuelto", "cerrado"]:
        mover_ok(api, numero, paso)
    caso = detalle(api, numero)
    inv, res, cer = (
        parse_ts(caso[k]) for k in ("en_investigacion_at", "resuelto_at", "cerrado_at")
    )
    assert inv <= res <= cer
    assert parse_ts(caso["updated_at"]) == cer


def test_cerrar_conserva_la_resolucion(api: Api) -> None:
    numero = caso_en_estado(api, "resuelto")
    mover_ok(api, numero, "cerrado")
    caso = detalle(api, numero)
    assert caso["resolucion"] == RESOLUCION
    assert caso["resuelto_at"] is not None


def test_historial_registra_el_cambio_y_el_motivo(api: Api) -> None:
    numero = caso_en_estado(api, "nuevo")
    mover_ok(api, numero, "en_investigacion", motivo="Se pidieron muestras")
    ultima = historial(api, numero)[-1]
    assert ultima["accion"] == "estado_actualizado"
    assert ultima["cambios"]["estado"] == {"antes": "nuevo", "despues": "en_investigacion"}
    assert ultima["motivo"] == "Se pidieron muestras"
    assert ultima["actor"]


def test_transicion_rechazada_no_deja_rastro(api: Api) -> None:
    numero = caso_en_estado(api, "nuevo")
    antes = historial(api, numero)
    assert mover(api, numero, "cerrado").status_code == 409
    assert historial(api, numero) == antes


@pytest.mark.parametrize(
    ("body", "last"),
    [
        ({}, "estado"),
        ({"estado": "abierto"}, "estado"),
        ({"estado": "pendiente_clasificacion"}, "estado"),
        ({"estado": "en_investigacion", "prioridad": "alta"}, "prioridad"),
        ({"estado": "resuelto", "resolucion": 123}, "resolucion"),
    ],
)
def test_cuerpos_invalidos_son_400(api: Api, body: dict[str, object], last: str) -> None:
    numero = caso_en_estado(api, "nuevo")
    assert_400_ending(api.put(f"/api/casos/{numero}/estado", json=body), last)


def test_content_type_no_json_es_400(api: Api) -> None:
    numero = caso_en_estado(api, "nuevo")
    response = api.put(
        f"/api/casos/{numero}/estado",
        content=b'{"estado": "en_investigacion"}',
        headers={"Content-Type": "text/plain"},
    )
    assert_error(response, 400)
    assert detalle(api, numero)["estado"] == "nuevo"


def test_caso_inexistente_es_404(api: Api) -> None:
    assert_error(mover(api, "VET-2025-99999", "en_investigacion"), 404)


def test_numero_mal_formado_es_400(api: Api) -> None:
    assert_error(mover(api, "VET-2025-12", "en_investigacion"), 400)


@pytest.mark.parametrize(
    ("role", "status"), [("admin", 200), ("calidad", 200), ("colaborador", 403), ("lectura", 403)]
)
def test_permisos_por_rol(api: Api, role: str, status: int) -> None:
    numero = caso_en_estado(api, "nuevo")
    response = mover(api, numero, "en_investigacion", role=role)
    assert response.status_code == status, response.text
    if status == 403:
        assert_error(response, 403, "forbidden")
        assert detalle(api, numero)["estado"] == "nuevo"


def test_sin_api_key_es_401(api: Api) -> None:
    numero = caso_en_estado(api, "nuevo")
    response = api.put(
        f"/api/casos/{numero}/estado", json={"estado": "en_investigacion"}, role=None
    )
    assert_error(response, 401)
