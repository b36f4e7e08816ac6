"""GET /api/senales (list, filters, detail with «¿otros lotes afectados?») and PUT decisions."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.casos.helpers import assert_400_at, assert_error, parse_ts, set_created_at
from tests.conftest import Api
from tests.factories import cuit_valido
from tests.senales.helpers import PRODUCTO, detalle, mover, reclamo, senales, una_senal
from vetanco.db import Database

LISTA_KEYS = {
    "id",
    "producto",
    "lote",
    "estado",
    "motivo_apertura",
    "caso_apertura",
    "total_casos",
    "criticos",
    "fecha_primer_caso",
    "fecha_ultimo_caso",
    "abierta_at",
    "en_evaluacion_at",
    "descartada_at",
    "retiro_de_mercado_at",
    "cerrada_at",
    "updated_at",
}
DETALLE_KEYS = LISTA_KEYS | {
    "casos",
    "clientes",
    "provincias",
    "ventana",
    "reclamos_en_ventana",
    "otros_lotes",
    "historial",
}


def _senal_critica(api: Api, lote: str = "K1", **extra: Any) -> tuple[str, str]:
    numero = reclamo(api, lote, "critico", **extra)
    return una_senal(api, lote=lote)["id"], numero


def test_list_shape_filters_and_pagination(api: Api) -> None:
    _senal_critica(api, "K1")
    _senal_critica(api, "K2", producto="Ivermectina 1%")
    otra, _ = _senal_critica(api, "K3", producto="Ivermectína 1% x 500 ml")
    mover(api, otra, "en_evaluacion")

    response = api.get("/api/senales", params={"limit": 2}, role="lectura")
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"data", "pagination"}
    assert body["pagination"] == {"total": 3, "page": 1, "limit": 2, "total_pages": 2}
    assert all(set(item) == LISTA_KEYS for item in body["data"])
    assert [s["lote"] for s in body["data"]] == ["K3", "K2"], "newest first"
    assert [s["lote"] for s in api.get("/api/senales?limit=2&page=2").json()["data"]] == ["K1"]

    assert [s["lote"] for s in senales(api, estado="en_evaluacion")] == ["K3"]
    assert [s["lote"] for s in senales(api, estado="abierta")] == ["K2", "K1"]
    assert [s["lote"] for s in senales(api, producto="IVERMECTINA")] == ["K3", "K2"]
    assert [s["lote"] for s in senales(api, producto="ivermectina 1% x")] == ["K3"]
    assert [s["lote"] for s in senales(api, lote="k1")] == ["K1"]
    assert senales(api, lote="K1", estado="descartada") == []
    assert_400_at(api.get("/api/senales", params={"estado": "cerrada"}), ["query", "estado"])
    assert_400_at(api.get("/api/senales", params={"limit": 101}), ["query", "limit"])
    assert api.get("/api/senales", role=None).status_code == 401


def test_detail_gathers_cases_clients_provinces_and_other_lots(api: Api, db: Database) -> None:
    ahora = datetime.now(UTC)
    uno = reclamo(api, "ABC123", cuit=cuit_valido(21), donde="Establecimiento Las Rosas, Tandil")
    set_created_at(db, uno, ahora - timedelta(days=3))
    dos = reclamo(
        api,
        "ABC123",
        "critico",
        cuit=cuit_valido(22),
        donde="Campo La Esperanza, Rosario, Santa Fe",
    )
    tres = reclamo(api, "abc123", cuit=cuit_valido(21), donde="Tandil")
    # Other lots of the same product: two reclamos of ABC124 (one crítico), one of ABC120
    # outside the window, and one of another product that must not appear.
    reclamo(api, "ABC124")
    set_created_at(db, reclamo(api, "ABC120"), ahora - timedelta(days=45))
    reclamo(api, "ABC124", "critico")
    reclamo(api, "ABC125", tipo="queja")
    reclamo(api, "ABC999", producto="Ivermectina 1%")
    senal_id = una_senal(api, lote="ABC123")["id"]

    senal = detalle(api, senal_id)

    assert set(senal) == DETALLE_KEYS
    assert (senal["lote"], senal["producto"], senal["motivo_apertura"]) == (
        "ABC123",
        PRODUCTO,
        "critico",
    )
    assert [c["numero_caso"] for c in senal["casos"]] == [uno, dos, tres]
    assert [c["criticidad"] for c in senal["casos"]] == ["menor", "critico", "menor"]
    assert {c["estado"] for c in senal["casos"]} == {"nuevo"}
    assert set(senal["casos"][0]) == {
        "numero_caso",
        "tipo_caso",
        "criticidad",
        "estado",
        "fecha",
        "cliente",
        "cuit",
        "provincia",
        "origen",
        "vinculado_at",
    }
    assert [c["provincia"] for c in senal["casos"]] == ["Buenos Aires", "Santa Fe", "Buenos Aires"]
    assert senal["provincias"] == [
        {"provincia": "Buenos Aires", "casos": 2},
        {"provincia": "Santa Fe", "casos": 1},
    ]
    assert [(c["cuit"], c["casos"]) for c in senal["clientes"]] == [
        (cuit_valido(21), 2),
        (cuit_valido(22), 1),
    ]
    assert (senal["total_casos"], senal["criticos"]) == (3, 1)
    assert parse_ts(senal["fecha_primer_caso"]) == parse_ts(senal["casos"][0]["fecha"])
    assert parse_ts(senal["fecha_primer_caso"]) < ahora - timedelta(days=2)
    assert senal["fecha_ultimo_caso"] == senal["casos"][-1]["fecha"]
    assert senal["reclamos_en_ventana"] == 3
    assert senal["ventana"]["dias"] == 30
    hasta = parse_ts(senal["ventana"]["hasta"])
    assert hasta - parse_ts(senal["ventana"]["desde"]) == timedelta(days=30)
    assert abs(hasta - datetime.now(UTC)) < timedelta(minutes=1)
    otro_id = una_senal(api, lote="ABC124")["id"]
    assert senal["otros_lotes"] == [
        {
            "lote": "ABC124",
            "producto": PRODUCTO,
            "reclamos": 2,
            "criticos": 1,
            "senal_id": otro_id,
            "senal_estado": "abierta",
        }
    ]
    (apertura,) = senal["historial"]
    assert apertura["estado_anterior"] is None
    assert apertura["estado_nuevo"] == "abierta"
    assert apertura["actor"] == "sistema"
    assert dos in apertura["motivo"]


def test_detail_of_unknown_or_malformed_id(api: Api) -> None:
    assert_error(api.get(f"/api/senales/{uuid.uuid4()}"), 404, "not_found")
    assert_400_at(api.get("/api/senales/no-es-un-id"), ["path", "senal_id"])


def test_put_walks_the_states_and_keeps_a_trail(api: Api) -> None:
    senal_id, _ = _senal_critica(api)

    response = api.put(
        f"/api/senales/{senal_id}",
        json={"estado": "en_evaluacion", "motivo": "Pedimos contramuestras"},
        role="calidad",
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "success"
    assert set(body["senal"]) == LISTA_KEYS
    assert body["senal"]["estado"] == "en_evaluacion"
    assert body["senal"]["en_evaluacion_at"] is not None
    assert body["senal"]["cerrada_at"] is None
    assert body["cambio"]["estado_anterior"] == "abierta"
    assert body["cambio"]["estado_nuevo"] == "en_evaluacion"
    assert body["cambio"]["motivo"] == "Pedimos contramuestras"
    assert body["cambio"]["actor"] == "apikey:test-calidad"

    mover(api, senal_id, "retiro_de_mercado", "Se confirmó contaminación: retiro del lote")
    senal = detalle(api, senal_id)
    assert senal["estado"] == "retiro_de_mercado"
    assert senal["retiro_de_mercado_at"] == senal["cerrada_at"] is not None
    assert senal["descartada_at"] is None
    assert [(h["estado_anterior"], h["estado_nuevo"]) for h in senal["historial"]] == [
        (None, "abierta"),
        ("abierta", "en_evaluacion"),
        ("en_evaluacion", "retiro_de_mercado"),
    ]
    assert parse_ts(senal["updated_at"]) == parse_ts(senal["cerrada_at"])

    cerrada = api.put(f"/api/senales/{senal_id}", json={"estado": "abierta", "motivo": "Reabrir"})
    body = assert_error(cerrada, 409, "transicion_invalida")
    assert body["transiciones_permitidas"] == []
    assert body["estado_actual"] == "retiro_de_mercado"


def test_put_rejects_invalid_moves(api: Api) -> None:
    senal_id, _ = _senal_critica(api)
    url = f"/api/senales/{senal_id}"
    mover(api, senal_id, "en_evaluacion")
    body = assert_error(api.put(url, json={"estado": "abierta", "motivo": "Volver"}), 409)
    assert body["transiciones_permitidas"] == ["descartada", "retiro_de_mercado"]
    assert_error(api.put(url, json={"estado": "en_evaluacion", "motivo": "Otra vez"}), 409)
    mover(api, senal_id, "descartada", "Sin relación con el lote")
    assert una_senal(api)["descartada_at"] is not None


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"estado": "descartada"}, ["body", "motivo"]),
        ({"estado": "descartada", "motivo": ""}, ["body", "motivo"]),
        ({"estado": "descartada", "motivo": "   "}, ["body", "motivo"]),
        ({"estado": "descartada", "motivo": None}, ["body", "motivo"]),
        ({"motivo": "Sin estado"}, ["body", "estado"]),
        ({"estado": "cerrada", "motivo": "Estado inexistente"}, ["body", "estado"]),
        ({"estado": "descartada", "motivo": "x", "extra": 1}, ["body", "extra"]),
    ],
)
def test_put_400_names_the_bad_field(api: Api, body: dict[str, Any], loc: list[str]) -> None:
    senal_id, _ = _senal_critica(api)
    assert_400_at(api.put(f"/api/senales/{senal_id}", json=body), loc)
    assert una_senal(api)["estado"] == "abierta"


def test_put_unknown_signal_is_404(api: Api) -> None:
    response = api.put(
        f"/api/senales/{uuid.uuid4()}", json={"estado": "descartada", "motivo": "No existe"}
    )
    assert_error(response, 404, "not_found")


@pytest.mark.parametrize(
    ("role", "status"),
    [("admin", 200), ("calidad", 200), ("colaborador", 403), ("lectura", 403), (None, 401)],
)
def test_put_roles(api: Api, role: str | None, status: int) -> None:
    senal_id, _ = _senal_critica(api)
    response = api.put(
        f"/api/senales/{senal_id}",
        json={"estado": "en_evaluacion", "motivo": "Evaluar"},
        role=role,
    )
    assert response.status_code == status, response.text
    esperado = "en_evaluacion" if status == 200 else "abierta"
    assert una_senal(api)["estado"] == esperado
