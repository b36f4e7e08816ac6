"""Possible duplicates are marked for a person; merging closes one and keeps both histories."""

from __future__ import annotations

from typing import Any

from tests.casos.helpers import assert_400_at, detalle, historial, mover_ok
from tests.conftest import Api
from tests.factories import caso_payload, crear_caso, cuit_valido
from tests.outbox import eventos
from vetanco.casos.historial import verificar
from vetanco.db import Database

TEXTO = "Los frascos del lote vinieron con partículas negras flotando"
PARECIDO = "Los frascos de ese lote vinieron con partículas negras flotando, mando fotos"


def _caso(api: Api, texto: str, lote: str, cuit: str, **extra: Any) -> str:
    return crear_caso(
        api,
        cliente={"cuit": cuit},
        producto={"numero_lote": lote},
        descripcion={"que_sucedio": texto, "descripcion_libre": None},
        **extra,
    )


def test_similar_case_of_same_client_and_lot_is_marked(api: Api, db: Database) -> None:
    cuit = cuit_valido(1)
    original = _caso(api, TEXTO, "LOT77", cuit)
    duplicado = _caso(api, PARECIDO, "LOT77", cuit)
    assert detalle(api, duplicado)["posible_duplicado_de"] == original
    assert detalle(api, original)["posible_duplicado_de"] is None
    item = next(c for c in api.get("/api/casos").json()["data"] if c["numero_caso"] == duplicado)
    assert item["posible_duplicado_de"] == original
    (evento,) = eventos(db, "caso.posible_duplicado")
    assert evento == {"numero_caso": duplicado, "posible_duplicado_de": original}


def test_other_lot_other_client_or_other_story_is_not_marked(api: Api) -> None:
    cuit = cuit_valido(2)
    _caso(api, TEXTO, "LOT1", cuit)
    assert detalle(api, _caso(api, PARECIDO, "LOT2", cuit))["posible_duplicado_de"] is None
    assert (
        detalle(api, _caso(api, PARECIDO, "LOT1", cuit_valido(3)))["posible_duplicado_de"] is None
    )
    otra = _caso(api, "Me cobraron dos veces la factura del pedido de octubre", "LOT1", cuit)
    assert detalle(api, otra)["posible_duplicado_de"] is None


def test_merge_closes_the_duplicate_and_keeps_both_histories(api: Api, db: Database) -> None:
    cuit = cuit_valido(4)
    destino = _caso(api, TEXTO, "LOT9", cuit)
    body = caso_payload(
        cliente={"cuit": cuit},
        productos=[
            {"nombre_producto": "Vetancilina 100ml", "numero_lote": "LOT9"},
            {"nombre_producto": "Ivermectina 1%", "numero_lote": "IVX1"},
        ],
        producto=None,
        descripcion={"que_sucedio": PARECIDO, "descripcion_libre": None},
        adjuntos=[{"tipo": "foto", "url": "https://fotos.example.com/lote9.jpg"}],
    )
    response = api.post("/api/casos", json=body)
    assert response.status_code == 201, response.text
    origen = response.json()["caso"]["numero_caso"]
    antes = historial(api, origen)

    response = api.post(
        f"/api/casos/{origen}/fusionar", json={"en": destino, "motivo": "Mismo episodio"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["estado"] == "cerrado"
    assert body["fusionado_en"] == destino
    assert body["productos_agregados"] == ["Ivermectina 1% IVX1"]
    assert body["adjuntos_agregados"] == 1

    cerrado = detalle(api, origen)
    assert (cerrado["estado"], cerrado["fusionado_en"]) == ("cerrado", destino)
    recibido = detalle(api, destino)
    assert recibido["posible_duplicado_de"] is None
    assert [p["numero_lote"] for p in recibido["productos_afectados"]] == ["LOT9", "IVX1"]
    assert [a["url"] for a in recibido["adjuntos"]] == ["https://fotos.example.com/lote9.jpg"]
    despues = historial(api, origen)
    assert despues[: len(antes)] == antes
    assert despues[-1]["accion"] == "fusionado"
    assert despues[-1]["motivo"] == "Mismo episodio"
    assert historial(api, destino)[-1]["accion"] == "fusion_recibida"
    assert eventos(db, "caso.fusionado") == [{"numero_caso": origen, "fusionado_en": destino}]
    assert eventos(db, "caso.cerrado", clave=origen)
    with db.transaction(write=False) as session:
        _, problemas = verificar(session)
    assert problemas == []


def test_merge_refusals(api: Api) -> None:
    cuit = cuit_valido(5)
    a = _caso(api, TEXTO, "LOTA", cuit)
    b = _caso(api, "Otro problema distinto con las etiquetas", "LOTB", cuit)
    url = f"/api/casos/{a}/fusionar"
    assert_400_at(api.post(url, json={"en": a}), ["body", "en"])
    assert_400_at(api.post(url, json={"en": "VET-2026-99999"}), ["body", "en"])
    assert_400_at(api.post(url, json={"en": "cualquiera"}), ["body", "en"])
    assert api.post(url, json={"en": b}, role="colaborador").status_code == 403
    assert api.post("/api/casos/VET-2026-99999/fusionar", json={"en": b}).status_code == 404
    assert api.post(url, json={"en": b}).status_code == 200
    assert api.post(url, json={"en": b}).status_code == 409, "already merged"
    c = _caso(api, "Tercer caso sobre el prospecto faltante", "LOTC", cuit, tipo_caso="queja")
    mover_ok(api, c, "resuelto")
    mover_ok(api, c, "cerrado")
    assert api.post(f"/api/casos/{b}/fusionar", json={"en": c}).status_code == 409
