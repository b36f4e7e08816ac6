"""GET /api/casos: item shape, pagination, every filter, ordering and query validation."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.casos.helpers import (
    assert_error,
    caso_en_estado,
    detalle,
    is_uuid,
    locs,
    parse_ts,
    set_created_at,
)
from tests.conftest import Api
from tests.factories import caso_payload, clasificar, crear_caso, cuit_valido
from vetanco.db import Database

SPEC_ITEM_KEYS = {
    "id",
    "numero_caso",
    "tipo_caso",
    "criticidad",
    "estado",
    "cliente",
    "producto",
    "descripcion_que_sucedio",
    "created_at",
    "updated_at",
}
# Fields the server adds on top of the spec's example; pinned so any other drift is caught.
EXTRA_ITEM_KEYS = {"justificacion", "canal", "evento_adverso", "sla", "posible_duplicado_de"}


def listar(api: Api, **params: Any) -> dict[str, Any]:
    response = api.get("/api/casos", params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def numeros(body: dict[str, Any]) -> list[str]:
    return [item["numero_caso"] for item in body["data"]]


def test_lista_vacia(api: Api) -> None:
    body = listar(api)
    assert body == {
        "data": [],
        "pagination": {"total": 0, "page": 1, "limit": 20, "total_pages": 0},
    }


def test_forma_del_item_como_el_spec(api: Api) -> None:
    numero = crear_caso(
        api,
        tipo_caso="reclamo",
        criticidad="critico",
        cliente={"nombre_apellido": "Juan Pérez", "razon_social": "Agropecuaria Los Pinos SA"},
        producto={"nombre_producto": "Vetancilina 100ml", "numero_lote": "ABC123"},
        descripcion={"que_sucedio": "Intoxicación en bovinos"},
    )
    body = listar(api)
    assert set(body) == {"data", "pagination"}
    assert set(body["pagination"]) == {"total", "page", "limit", "total_pages"}
    [item] = body["data"]
    assert set(item) == SPEC_ITEM_KEYS | EXTRA_ITEM_KEYS
    assert is_uuid(item["id"])
    assert item["numero_caso"] == numero
    assert item["tipo_caso"] == "reclamo"
    assert item["criticidad"] == "critico"
    assert item["estado"] == "nuevo"
    assert item["cliente"] == {
        "nombre": "Juan Pérez",
        "razon_social": "Agropecuaria Los Pinos SA",
        "cuit": "30-12345678-1",
    }
    assert item["producto"] == {"nombre": "Vetancilina 100ml", "lote": "ABC123"}
    assert item["descripcion_que_sucedio"] == "Intoxicación en bovinos"
    assert parse_ts(item["created_at"]) <= parse_ts(item["updated_at"])


def test_item_pendiente_tiene_criticidad_null(api: Api) -> None:
    crear_caso(api)
    [item] = listar(api)["data"]
    assert item["tipo_caso"] == "pendiente_clasificacion"
    assert item["criticidad"] is None


def test_paginacion(api: Api) -> None:
    creados = [crear_caso(api) for _ in range(5)]
    primera = listar(api, limit=2)
    assert primera["pagination"] == {"total": 5, "page": 1, "limit": 2, "total_pages": 3}
    vistos = numeros(primera) + numeros(listar(api, limit=2, page=2))
    ultima = listar(api, limit=2, page=3)
    assert len(ultima["data"]) == 1
    vistos += numeros(ultima)
    assert sorted(vistos) == sorted(creados)
    assert len(set(vistos)) == 5
    fuera = listar(api, limit=2, page=4)
    assert fuera["data"] == []
    assert fuera["pagination"]["total"] == 5


def test_limit_100_es_el_maximo_aceptado(api: Api) -> None:
    crear_caso(api)
    assert listar(api, limit=100)["pagination"]["limit"] == 100


def test_orden_mas_nuevo_primero(api: Api) -> None:
    creados = [crear_caso(api) for _ in range(3)]
    assert numeros(listar(api)) == list(reversed(creados))


def test_orden_por_fecha_de_creacion_no_por_numero(api: Api, db: Database) -> None:
    a, b, c = (crear_caso(api) for _ in range(3))
    now = datetime.now(UTC)
    set_created_at(db, a, now - timedelta(hours=1))
    set_created_at(db, b, now - timedelta(days=3))
    set_created_at(db, c, now - timedelta(days=1))
    assert numeros(listar(api)) == [a, c, b]


def test_filtro_tipo_caso(api: Api) -> None:
    reclamo = crear_caso(api, tipo_caso="reclamo", criticidad="menor")
    queja = crear_caso(api, tipo_caso="queja")
    comentario = crear_caso(api, tipo_caso="comentario")
    pendiente = crear_caso(api)
    assert numeros(listar(api, tipo_caso="reclamo")) == [reclamo]
    assert numeros(listar(api, tipo_caso="queja")) == [queja]
    assert numeros(listar(api, tipo_caso="comentario")) == [comentario]
    assert numeros(listar(api, tipo_caso="pendiente_clasificacion")) == [pendiente]


def test_filtro_criticidad(api: Api) -> None:
    critico = crear_caso(api, tipo_caso="reclamo", criticidad="critico")
    mayor = crear_caso(api, tipo_caso="reclamo", criticidad="mayor")
    crear_caso(api, tipo_caso="queja")
    assert numeros(listar(api, criticidad="critico")) == [critico]
    assert numeros(listar(api, criticidad="mayor")) == [mayor]
    assert listar(api, criticidad="menor")["data"] == []


def test_filtros_combinados_como_el_ejemplo_del_spec(api: Api) -> None:
    objetivo = crear_caso(api, tipo_caso="reclamo", criticidad="critico")
    crear_caso(api, tipo_caso="reclamo", criticidad="mayor")
    crear_caso(api, tipo_caso="queja")
    body = listar(api, tipo_caso="reclamo", criticidad="critico", page=1, limit=10)
    assert numeros(body) == [objetivo]
    assert body["pagination"] == {"total": 1, "page": 1, "limit": 10, "total_pages": 1}


@pytest.mark.parametrize("estado", ["nuevo", "en_investigacion", "resuelto", "cerrado"])
def test_filtro_estado(api: Api, estado: str) -> None:
    por_estado = {
        e: caso_en_estado(api, e) for e in ("nuevo", "en_investigacion", "resuelto", "cerrado")
    }
    body = listar(api, estado=estado)
    assert numeros(body) == [por_estado[estado]]
    assert body["data"][0]["estado"] == estado


def test_filtro_canal(api: Api) -> None:
    tel = crear_caso(api, canal="telefono")
    mail = crear_caso(api, canal="email")
    assert numeros(listar(api, canal="telefono")) == [tel]
    assert numeros(listar(api, canal="email")) == [mail]
    assert listar(api, canal="whatsapp")["data"] == []


def test_canal_por_defecto_es_api(api: Api) -> None:
    payload = caso_payload()
    payload.pop("canal")
    numero = api.post("/api/casos", json=payload).json()["caso"]["numero_caso"]
    assert numeros(listar(api, canal="api")) == [numero]


def test_filtro_cliente_id(api: Api) -> None:
    mio = crear_caso(api, cliente={"cuit": cuit_valido(1)})
    crear_caso(api, cliente={"cuit": cuit_valido(2)})
    otro_mio = crear_caso(api, cliente={"cuit": cuit_valido(1)})
    cliente_id = detalle(api, mio)["cliente"]["id"]
    assert numeros(listar(api, cliente_id=cliente_id)) == [otro_mio, mio]
    assert listar(api, cliente_id=str(uuid.uuid4()))["data"] == []


def test_filtro_numero_lote_sin_distinguir_mayusculas(api: Api) -> None:
    objetivo = crear_caso(api, producto={"numero_lote": "LOTE-77"})
    crear_caso(api, producto={"numero_lote": "LOTE-78"})
    assert numeros(listar(api, numero_lote="LOTE-77")) == [objetivo]
    assert numeros(listar(api, numero_lote="lote-77")) == [objetivo]
    assert listar(api, numero_lote="LOTE-7")["data"] == []


def test_filtro_numero_lote_en_segundo_producto(api: Api) -> None:
    payload = caso_payload()
    payload.pop("producto")
    payload["productos"] = [
        {"nombre_producto": "A", "numero_lote": "P-1"},
        {"nombre_producto": "B", "numero_lote": "P-2"},
    ]
    numero = api.post("/api/casos", json=payload).json()["caso"]["numero_caso"]
    assert numeros(listar(api, numero_lote="P-2")) == [numero]


def _tres_dias(api: Api, db: Database) -> dict[str, str]:
    """Cases created at the very start, middle and very end of three consecutive UTC days."""
    casos = {
        "d1_fin": datetime(2025, 10, 16, 23, 59, 59, tzinfo=UTC),
        "d2_inicio": datetime(2025, 10, 17, 0, 0, 0, tzinfo=UTC),
        "d2_fin": datetime(2025, 10, 17, 23, 59, 59, 900000, tzinfo=UTC),
        "d3_inicio": datetime(2025, 10, 18, 0, 0, 0, tzinfo=UTC),
    }
    out = {}
    for nombre, cuando in casos.items():
        out[nombre] = crear_caso(api)
        set_created_at(db, out[nombre], cuando)
    return out


def test_fecha_desde_y_hasta_el_mismo_dia_incluye_el_dia_entero(api: Api, db: Database) -> None:
    c = _tres_dias(api, db)
    body = listar(api, fecha_desde="2025-10-17", fecha_hasta="2025-10-17")
    assert numeros(body) == [c["d2_fin"], c["d2_inicio"]]


def test_fecha_hasta_incluye_su_dia(api: Api, db: Database) -> None:
    c = _tres_dias(api, db)
    assert set(numeros(listar(api, fecha_hasta="2025-10-17"))) == {
        c["d1_fin"],
        c["d2_inicio"],
        c["d2_fin"],
    }


def test_fecha_desde_incluye_su_dia(api: Api, db: Database) -> None:
    c = _tres_dias(api, db)
    assert set(numeros(listar(api, fecha_desde="2025-10-17"))) == {
        c["d2_inicio"],
        c["d2_fin"],
        c["d3_inicio"],
    }


def test_fecha_con_hora_es_exacta(api: Api, db: Database) -> None:
    c = _tres_dias(api, db)
    body = listar(api, fecha_desde="2025-10-17T12:00:00Z", fecha_hasta="2025-10-17T23:59:59.950Z")
    assert numeros(body) == [c["d2_fin"]]


def test_fecha_hasta_con_hora_medianoche_no_abarca_el_dia_siguiente(api: Api, db: Database) -> None:
    """An explicit instant (…T00:00:00Z) is a bound, not "the whole day of the 18th"."""
    previo = crear_caso(api)
    set_created_at(db, previo, datetime(2025, 10, 17, 18, 0, tzinfo=UTC))
    posterior = crear_caso(api)
    set_created_at(db, posterior, datetime(2025, 10, 18, 10, 0, tzinfo=UTC))
    body = listar(api, fecha_hasta="2025-10-18T00:00:00Z")
    assert numeros(body) == [previo]


def test_fecha_desde_con_hora_respeta_el_huso(api: Api, db: Database) -> None:
    """00:00 at -03:00 (Argentina) is 03:00 UTC: a case at 01:00 UTC is before it."""
    antes = crear_caso(api)
    set_created_at(db, antes, datetime(2025, 10, 17, 1, 0, tzinfo=UTC))
    despues = crear_caso(api)
    set_created_at(db, despues, datetime(2025, 10, 17, 4, 0, tzinfo=UTC))
    body = listar(api, fecha_desde="2025-10-17T00:00:00-03:00")
    assert numeros(body) == [despues]


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"limit": 101}, "limit"),
        ({"limit": 0}, "limit"),
        ({"limit": -5}, "limit"),
        ({"limit": "diez"}, "limit"),
        ({"page": 0}, "page"),
        ({"page": -1}, "page"),
        ({"page": "uno"}, "page"),
        ({"tipo_caso": "reclamos"}, "tipo_caso"),
        ({"criticidad": "alta"}, "criticidad"),
        ({"estado": "abierto"}, "estado"),
        ({"canal": "fax"}, "canal"),
        ({"cliente_id": "uuid-cliente"}, "cliente_id"),
        ({"cliente_id": "123"}, "cliente_id"),
        ({"fecha_desde": "18/10/2025"}, "fecha_desde"),
        ({"fecha_hasta": "2025-13-01"}, "fecha_hasta"),
        ({"numero_lote": "L" * 51}, "numero_lote"),
    ],
)
def test_parametros_invalidos_son_400(api: Api, params: dict[str, Any], name: str) -> None:
    body = assert_error(api.get("/api/casos", params=params), 400)
    assert any(loc[:2] == ["query", name] for loc in locs(body)), body


def test_fecha_desde_posterior_a_hasta_es_400(api: Api) -> None:
    response = api.get(
        "/api/casos", params={"fecha_desde": "2025-10-19", "fecha_hasta": "2025-10-18"}
    )
    body = assert_error(response, 400)
    assert any(loc[0] == "query" for loc in (e["loc"] for e in body["details"]))


def test_listar_sin_api_key_es_401(api: Api) -> None:
    assert_error(api.get("/api/casos", role=None), 401)


def test_api_key_desconocida_es_401(api: Api) -> None:
    response = api.client.get("/api/casos", headers={"Authorization": "Bearer no-existe"})
    assert_error(response, 401)


def test_clasificacion_posterior_se_refleja_en_la_lista(api: Api) -> None:
    numero = crear_caso(api)
    clasificar(api, numero, "reclamo", "mayor")
    [item] = listar(api, tipo_caso="reclamo", criticidad="mayor")["data"]
    assert item["numero_caso"] == numero
    assert parse_ts(item["updated_at"]) > parse_ts(item["created_at"])


def test_rows_read_for_the_list_give_the_items_the_entities_give(api: Api, db: Database) -> None:
    """The list reads plain rows (not ORM entities) for speed; each item must equal the one built
    from the entity: first product by its order, worst SLA clock, client, flags."""
    from vetanco.casos import presenters, repository, service
    from vetanco.casos.repository import CasoFilters

    dos = caso_payload()
    segundo = {**dos["producto"], "nombre_producto": "Ivermectina", "numero_lote": "Z9"}
    crear_caso(api, producto=None, productos=[segundo, dos["producto"]])
    caso_en_estado(api, "resuelto", tipo="queja")
    caso_en_estado(api, "en_investigacion", tipo="reclamo", criticidad="mayor")
    crear_caso(api, tipo_caso="comentario", producto=None)
    with db.session(write=False) as session:
        items, total = service.listar(session, filters=CasoFilters(), page=1, limit=50)
        esperados = [
            presenters.list_item(repository.by_numero(session, i.numero_caso))  # type: ignore[arg-type]
            for i in items
        ]
    assert total == 4
    assert items == esperados
    assert items[-1].producto is not None
    assert items[-1].producto.nombre == "Ivermectina"
    assert {i.sla for i in items} - {None}
