"""GET /api/estadisticas: every block of the spec, sums that add up, resolution hours and periods."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, text, update

from tests.conftest import Api
from tests.factories import clasificar, crear_caso, crear_colaborador
from vetanco.casos.models import Caso
from vetanco.db import Database
from vetanco.estadisticas import acumulado
from vetanco.estadisticas.models import ResumenPendiente

BASE = datetime(2024, 3, 1, 9, 0, tzinfo=UTC)


def stats(api: Api, role: str | None = "admin", **params: Any) -> httpx.Response:
    return api.get("/api/estadisticas", params=params, role=role)


def ok(api: Api, **params: Any) -> dict[str, Any]:
    """The figures, checked to be the same before and after the daily totals are recomputed."""
    response = stats(api, **params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    db: Database = api.client.app.state.db  # type: ignore[attr-defined]
    with db.transaction() as session:
        acumulado.refrescar(session)
        assert session.scalar(select(func.count()).select_from(ResumenPendiente)) == 0
    assert stats(api, **params).json() == body
    return body


def reclamo(
    api: Api, criticidad: str = "menor", producto: str = "Vetancilina 100ml", **kw: Any
) -> str:
    return crear_caso(
        api,
        tipo_caso="reclamo",
        criticidad=criticidad,
        producto={"nombre_producto": producto},
        **kw,
    )


def fechar(
    db: Database, numero: str, created_at: datetime, resuelto_at: datetime | None = None
) -> None:
    valores: dict[str, Any] = {"created_at": created_at}
    if resuelto_at is not None:
        valores["resuelto_at"] = resuelto_at
    with db.transaction() as session:
        session.execute(update(Caso).where(Caso.numero_caso == numero).values(**valores))


def resolver(api: Api, numero: str) -> None:
    """Resolve a case through the API, investigating first when its criticality demands it."""
    caso = api.get(f"/api/casos/{numero}").json()["caso"]
    if caso["tipo_caso"] == "reclamo" and caso["criticidad"] in ("critico", "mayor"):
        inv = api.post(
            f"/api/casos/{numero}/investigacion", json={"investigador_id": crear_colaborador(api)}
        )
        assert inv.status_code == 201, inv.text
        inv_id = inv.json()["investigacion"]["id"]
        upd = api.put(f"/api/investigaciones/{inv_id}", json={"causa_raiz": "Falla de proceso"})
        assert upd.status_code == 200, upd.text
    response = api.put(
        f"/api/casos/{numero}/estado", json={"estado": "resuelto", "resolucion": "Resuelto"}
    )
    assert response.status_code == 200, response.text


def resuelto_en(api: Api, db: Database, numero: str, horas: float, inicio: datetime = BASE) -> None:
    resolver(api, numero)
    fechar(db, numero, inicio, inicio + timedelta(hours=horas))


def test_base_vacia(api: Api) -> None:
    body = ok(api)

    assert body == {
        "periodo": {"desde": None, "hasta": None},
        "totales": {
            "total_casos": 0,
            "reclamos": 0,
            "quejas": 0,
            "comentarios": 0,
            "pendientes_clasificacion": 0,
        },
        "por_criticidad": {"critico": 0, "mayor": 0, "menor": 0},
        "por_estado": {"nuevo": 0, "en_investigacion": 0, "resuelto": 0, "cerrado": 0},
        "tiempo_promedio_resolucion": {"critico": None, "mayor": None, "menor": None},
        "productos_con_mas_reclamos": [],
        "lotes_con_mas_reclamos": [],
        "por_lote": [],
        "sla": {
            "porcentaje_cumplido": None,
            "primera_respuesta": {"cumplidos": 0, "incumplidos": 0, "porcentaje_cumplido": None},
            "resolucion": {"cumplidos": 0, "incumplidos": 0, "porcentaje_cumplido": None},
        },
    }


def test_todos_los_bloques_y_sumas(api: Api) -> None:
    for criticidad in ("critico", "mayor", "mayor", "menor", "menor", "menor"):
        reclamo(api, criticidad)
    queja = crear_caso(api)
    clasificar(api, queja, "queja", None)
    crear_caso(api, tipo_caso="queja")
    comentario = crear_caso(api, tipo_caso="comentario")
    crear_caso(api)
    crear_caso(api)
    en_inv = crear_caso(api)
    assert (
        api.put(f"/api/casos/{en_inv}/estado", json={"estado": "en_investigacion"}).status_code
        == 200
    )
    resolver(api, comentario)
    assert api.put(f"/api/casos/{comentario}/estado", json={"estado": "cerrado"}).status_code == 200
    resolver(api, queja)

    body = ok(api)

    assert set(body) >= {
        "periodo",
        "totales",
        "por_criticidad",
        "por_estado",
        "tiempo_promedio_resolucion",
        "productos_con_mas_reclamos",
        "lotes_con_mas_reclamos",
        "por_lote",
    }
    totales = body["totales"]
    assert totales == {
        "total_casos": 12,
        "reclamos": 6,
        "quejas": 2,
        "comentarios": 1,
        "pendientes_clasificacion": 3,
    }
    assert body["por_criticidad"] == {"critico": 1, "mayor": 2, "menor": 3}
    assert sum(body["por_criticidad"].values()) == totales["reclamos"]
    assert totales["total_casos"] == (
        totales["reclamos"]
        + totales["quejas"]
        + totales["comentarios"]
        + totales["pendientes_clasificacion"]
    )
    assert body["por_estado"] == {"nuevo": 9, "en_investigacion": 1, "resuelto": 1, "cerrado": 1}
    assert sum(body["por_estado"].values()) == totales["total_casos"]
    assert body["productos_con_mas_reclamos"] == [
        {"producto": "Vetancilina 100ml", "total_reclamos": 6}
    ]


def test_por_criticidad_suma_todos_los_estados(api: Api) -> None:
    """Each criticidad adds its reclamos in every state (it used to keep one state's count)."""
    reclamo(api, "mayor")
    investigado = reclamo(api, "mayor")
    resuelto = reclamo(api, "mayor")
    assert (
        api.put(f"/api/casos/{investigado}/estado", json={"estado": "en_investigacion"}).status_code
        == 200
    )
    resolver(api, resuelto)
    assert ok(api)["por_criticidad"] == {"critico": 0, "mayor": 3, "menor": 0}


def test_reclasificar_mueve_la_cuenta(api: Api) -> None:
    numero = reclamo(api, "menor")
    assert ok(api)["por_criticidad"] == {"critico": 0, "mayor": 0, "menor": 1}

    clasificar(api, numero, "reclamo", "critico", motivo="Hubo mortandad")
    body = ok(api)
    assert body["por_criticidad"] == {"critico": 1, "mayor": 0, "menor": 0}

    clasificar(api, numero, "queja", None, motivo="No era un defecto")
    body = ok(api)
    assert body["por_criticidad"] == {"critico": 0, "mayor": 0, "menor": 0}
    assert (body["totales"]["reclamos"], body["totales"]["quejas"]) == (0, 1)
    assert body["productos_con_mas_reclamos"] == []


def test_tiempo_promedio_en_horas_por_criticidad(api: Api, db: Database) -> None:
    resuelto_en(api, db, reclamo(api, "mayor"), 12)
    resuelto_en(api, db, reclamo(api, "mayor"), 36)
    resuelto_en(api, db, reclamo(api, "critico"), 1.5)
    reclamo(api, "menor")
    reclamo(api, "critico")
    queja = crear_caso(api, tipo_caso="queja")
    resuelto_en(api, db, queja, 1000)

    tiempos = ok(api)["tiempo_promedio_resolucion"]

    assert tiempos == {"critico": 1.5, "mayor": 24.0, "menor": None}


def test_tiempo_promedio_redondea_y_cruza_dias(api: Api, db: Database) -> None:
    resuelto_en(api, db, reclamo(api, "menor"), 96 + 40 / 60)
    resuelto_en(api, db, reclamo(api, "menor"), 96 + 45 / 60)

    assert ok(api)["tiempo_promedio_resolucion"]["menor"] == 96.7


def test_reabrir_un_caso_lo_saca_del_promedio(api: Api, db: Database) -> None:
    resuelto_en(api, db, reclamo(api, "menor"), 10)
    reabierto = reclamo(api, "menor")
    resuelto_en(api, db, reabierto, 50)
    assert ok(api)["tiempo_promedio_resolucion"]["menor"] == 30.0

    response = api.put(f"/api/casos/{reabierto}/estado", json={"estado": "en_investigacion"})
    assert response.status_code == 200, response.text

    assert ok(api)["tiempo_promedio_resolucion"]["menor"] == 10.0


def test_productos_agrupados_sin_mayusculas_ni_acentos(api: Api) -> None:
    for nombre in ("Vetancilina 100ml", "VETANCILINA 100ML", "Vetancilína  100ml"):
        reclamo(api, producto=nombre)
    reclamo(api, producto="Ivermectina 1%")
    reclamo(api, producto="ivermectina 1%")
    reclamo(api, producto="Zeta Vacuna")
    crear_caso(api, tipo_caso="queja", producto={"nombre_producto": "Zeta Vacuna"})
    crear_caso(api, producto={"nombre_producto": "Zeta Vacuna"})

    top = ok(api)["productos_con_mas_reclamos"]

    assert [p["total_reclamos"] for p in top] == [3, 2, 1]
    assert top[0]["producto"].casefold().startswith("vetancil")
    assert top[1]["producto"].casefold() == "ivermectina 1%"
    assert top[2]["producto"] == "Zeta Vacuna"


def test_un_caso_con_el_mismo_producto_dos_veces_cuenta_una(api: Api) -> None:
    productos = [
        {"nombre_producto": "Vetancilina 100ml", "numero_lote": "L1"},
        {"nombre_producto": "vetancilina 100ml", "numero_lote": "L2"},
    ]
    crear_caso(api, tipo_caso="reclamo", criticidad="mayor", producto=None, productos=productos)

    body = ok(api)

    assert [p["total_reclamos"] for p in body["productos_con_mas_reclamos"]] == [1]
    assert body["totales"]["reclamos"] == 1


def test_como_mucho_diez_productos_ordenados(api: Api) -> None:
    for i in range(12):
        for _ in range(1 + (i == 4) * 3 + (i == 9) * 2):
            reclamo(api, producto=f"Producto {i:02d}")

    top = ok(api)["productos_con_mas_reclamos"]

    assert len(top) == 10
    assert top[0] == {"producto": "Producto 04", "total_reclamos": 4}
    assert top[1] == {"producto": "Producto 09", "total_reclamos": 3}
    conteos = [p["total_reclamos"] for p in top]
    assert conteos == sorted(conteos, reverse=True)
    assert len({p["producto"] for p in top}) == 10


def test_lotes_con_mas_reclamos(api: Api) -> None:
    for lote in ("abc123", "ABC123", "XYZ9"):
        crear_caso(
            api,
            tipo_caso="reclamo",
            criticidad="menor",
            producto={"nombre_producto": "Vetancilina 100ml", "numero_lote": lote},
        )
    crear_caso(api, tipo_caso="queja", producto={"numero_lote": "XYZ9"})

    lotes = ok(api)["lotes_con_mas_reclamos"]

    assert lotes[0] == {"producto": "Vetancilina 100ml", "lote": "ABC123", "total_reclamos": 2}
    assert lotes[1]["lote"] == "XYZ9"
    assert lotes[1]["total_reclamos"] == 1
    assert len(lotes) == 2


@pytest.fixture
def tres_fechas(api: Api, db: Database) -> dict[str, str]:
    casos = {
        "enero": reclamo(api, "critico", producto="Producto Enero"),
        "fin_de_dia": reclamo(api, "mayor", producto="Producto Fin"),
        "hoy": reclamo(api, "menor", producto="Producto Hoy"),
    }
    resuelto_en(api, db, casos["enero"], 8, inicio=datetime(2024, 1, 10, 12, 0, tzinfo=UTC))
    fechar(db, casos["fin_de_dia"], datetime(2024, 1, 20, 23, 30, tzinfo=UTC))
    return casos


def test_filtra_por_fecha_de_creacion(api: Api, tres_fechas: dict[str, str]) -> None:
    body = ok(api, fecha_desde="2024-01-01", fecha_hasta="2024-01-20")

    assert body["periodo"] == {"desde": "2024-01-01", "hasta": "2024-01-20"}
    assert body["totales"]["total_casos"] == 2
    assert body["por_criticidad"] == {"critico": 1, "mayor": 1, "menor": 0}
    assert body["tiempo_promedio_resolucion"]["critico"] == 8.0
    assert {p["producto"] for p in body["productos_con_mas_reclamos"]} == {
        "Producto Enero",
        "Producto Fin",
    }


def test_fecha_hasta_incluye_el_dia_entero(api: Api, tres_fechas: dict[str, str]) -> None:
    assert ok(api, fecha_hasta="2024-01-20")["totales"]["total_casos"] == 2
    assert ok(api, fecha_hasta="2024-01-19")["totales"]["total_casos"] == 1
    assert ok(api, fecha_desde="2024-01-20", fecha_hasta="2024-01-20")["totales"]["reclamos"] == 1
    assert ok(api, fecha_desde="2024-01-21")["totales"]["total_casos"] == 1
    assert (
        ok(api, fecha_desde="2024-01-11", fecha_hasta="2024-01-19")["totales"]["total_casos"] == 0
    )


def test_solo_desde_o_solo_hasta(api: Api, tres_fechas: dict[str, str]) -> None:
    desde = ok(api, fecha_desde="2024-01-15")
    assert desde["periodo"] == {"desde": "2024-01-15", "hasta": None}
    assert desde["por_criticidad"] == {"critico": 0, "mayor": 1, "menor": 1}
    assert desde["tiempo_promedio_resolucion"]["critico"] is None

    hasta = ok(api, fecha_hasta="2024-01-15")
    assert hasta["periodo"] == {"desde": None, "hasta": "2024-01-15"}
    assert hasta["por_criticidad"] == {"critico": 1, "mayor": 0, "menor": 0}


def test_fecha_y_hora_iso(api: Api, tres_fechas: dict[str, str]) -> None:
    body = ok(api, fecha_desde="2024-01-20T00:00:00Z", fecha_hasta="2024-01-20T23:00:00Z")
    assert body["totales"]["total_casos"] == 0

    body = ok(api, fecha_desde="2024-01-20T23:00:00Z", fecha_hasta="2024-01-21T00:00:00Z")
    assert body["totales"]["total_casos"] == 1


def test_fecha_y_hora_a_medianoche_es_un_instante(api: Api, tres_fechas: dict[str, str]) -> None:
    """A datetime bound is an instant: midnight (at any offset) does not mean the whole day."""
    body = ok(api, fecha_hasta="2024-01-20T00:00:00Z")
    assert body["totales"]["total_casos"] == 1

    body = ok(api, fecha_hasta="2024-01-21T00:00:00+01:00")
    assert body["totales"]["total_casos"] == 1


def test_desde_posterior_a_hasta_es_400(api: Api) -> None:
    response = stats(api, fecha_desde="2025-02-01", fecha_hasta="2025-01-01")

    assert response.status_code == 400, response.text
    assert response.json()["error"] == "validation_error"
    locs = [d["loc"] for d in response.json()["details"]]
    assert any(loc[0] == "query" and loc[-1] in ("fecha_desde", "fecha_hasta") for loc in locs)


@pytest.mark.parametrize(
    "params",
    [{"fecha_desde": "2025-13-01"}, {"fecha_hasta": "ayer"}, {"fecha_desde": "01/02/2025"}],
)
def test_fecha_invalida_es_400(api: Api, params: dict[str, str]) -> None:
    response = stats(api, **params)

    assert response.status_code == 400, response.text
    name = next(iter(params))
    assert any(d["loc"][:2] == ["query", name] for d in response.json()["details"])


@pytest.mark.parametrize("role", ["admin", "calidad", "colaborador", "lectura"])
def test_todos_los_roles_leen(api: Api, role: str) -> None:
    reclamo(api)

    response = stats(api, role=role)

    assert response.status_code == 200, response.text
    assert response.json()["totales"]["reclamos"] == 1


def test_sin_api_key_es_401(api: Api) -> None:
    response = stats(api, role=None)

    assert response.status_code == 401, response.text
    assert response.json()["error"] == "unauthorized"


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_dos_workers_no_recalculan_el_mismo_dia_a_la_vez(api: Api, db: Database) -> None:
    """Two workers refreshing at once: the second skips its turn instead of rebuilding the same
    day and running into the first's rows (it used to fail with a unique violation)."""
    reclamo(api, "mayor")
    with db.transaction() as primera:
        assert acumulado.refrescar(primera) > 0
        with db.transaction() as segunda:
            segunda.execute(text("SET LOCAL lock_timeout = '2s'"))
            assert acumulado.refrescar(segunda) == 0
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(ResumenPendiente)) == 0
    assert ok(api)["por_criticidad"]["mayor"] == 1
