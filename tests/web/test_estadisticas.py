"""Estadísticas page: the API's figures as SVG charts and tables, date filters, access."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event, update

from tests.conftest import Api
from tests.factories import clasificar, crear_caso
from vetanco.casos.models import Caso
from vetanco.db import Database, utcnow
from vetanco.estadisticas import service
from vetanco.estadisticas.service import SerieCasos
from vetanco.web.etiquetas import etiqueta

PRODUCTO_RARO = "Vacuna <Aftosa> & Cía"


def _svg(pagina: str, id_: str) -> str:
    match = re.search(rf'<svg[^>]*id="{id_}".*?</svg>', pagina, re.S)
    assert match, f"no está el gráfico {id_}"
    return match.group(0)


def _barras(pagina: str, id_: str) -> dict[str, float]:
    pares = re.findall(r'data-etiqueta="([^"]*)" data-valor="([^"]*)"', _svg(pagina, id_))
    return {html.unescape(k): float(v) for k, v in pares}


def _apiladas(pagina: str) -> dict[tuple[str, str], float]:
    trios = re.findall(
        r'data-serie="([^"]*)" data-categoria="([^"]*)" data-valor="([^"]*)"',
        _svg(pagina, "g-tiempo"),
    )
    return {(html.unescape(c), html.unescape(s)): float(v) for s, c, v in trios}


def _kpi(pagina: str, id_: str) -> str:
    match = re.search(rf'id="kpi-{id_}".*?<p class="kpi">([^<]*)</p>', pagina, re.S)
    assert match, f"no está el indicador {id_}"
    return match.group(1).strip()


def _fechar(db: Database, numero: str, cuando: datetime, resuelto: datetime | None = None) -> None:
    valores: dict[str, Any] = {"created_at": cuando}
    if resuelto is not None:
        valores["resuelto_at"] = resuelto
    with db.transaction() as session:
        session.execute(update(Caso).where(Caso.numero_caso == numero).values(**valores))


def _reclamo(api: Api, criticidad: str, producto: str = "Vetancilina 100ml", **kw: Any) -> str:
    return crear_caso(
        api,
        tipo_caso="reclamo",
        criticidad=criticidad,
        producto={"nombre_producto": producto, "numero_lote": kw.pop("lote", "L-1")},
        **kw,
    )


def _sembrar(api: Api, db: Database) -> None:
    marzo = datetime(2024, 3, 4, 12, tzinfo=UTC)
    for i, criticidad in enumerate(("critico", "mayor", "menor", "menor")):
        _fechar(db, _reclamo(api, criticidad), marzo + timedelta(days=i))
    _fechar(db, _reclamo(api, "mayor", PRODUCTO_RARO, lote="X<1>"), marzo + timedelta(days=1))
    queja = crear_caso(api)
    clasificar(api, queja, "queja", None)
    _fechar(db, queja, marzo)
    menor = _reclamo(api, "menor")
    assert api.put(
        f"/api/casos/{menor}/estado", json={"estado": "resuelto", "resolucion": "Repuesto"}
    ).is_success
    _fechar(db, menor, marzo, marzo + timedelta(hours=30))
    crear_caso(api)


def _compara_con_api(api: Api, pagina: str, **params: str) -> dict[str, Any]:
    datos: dict[str, Any] = api.get("/api/estadisticas", params=params).json()
    criticidad = {etiqueta(k): float(v) for k, v in datos["por_criticidad"].items()}
    assert _barras(pagina, "g-criticidad") == criticidad
    estados = {etiqueta(k): float(v) for k, v in datos["por_estado"].items()}
    assert _barras(pagina, "g-estado") == estados
    productos = {
        p["producto"]: float(p["total_reclamos"]) for p in datos["productos_con_mas_reclamos"]
    }
    if productos:
        assert _barras(pagina, "g-productos") == productos
    lotes = {
        f"{lt['lote']} · {lt['producto']}": float(lt["total_reclamos"])
        for lt in datos["lotes_con_mas_reclamos"]
    }
    if lotes:
        assert _barras(pagina, "g-lotes") == lotes
    assert _kpi(pagina, "total") == str(datos["totales"]["total_casos"])
    abiertos = datos["por_estado"]["nuevo"] + datos["por_estado"]["en_investigacion"]
    assert _kpi(pagina, "abiertos") == str(abiertos)
    assert sum(_apiladas(pagina).values()) == datos["totales"]["total_casos"]
    for k, v in datos["por_criticidad"].items():
        assert f'<tr><th scope="row">{etiqueta(k)}</th><td>{v}</td></tr>' in pagina
    return datos


def test_graficos_coinciden_con_la_api(
    api: Api, db: Database, login: Callable[[str], TestClient]
) -> None:
    _sembrar(api, db)
    web = login("lectura")
    r = web.get("/estadisticas")
    assert r.status_code == 200
    assert '<a href="/estadisticas" aria-current="page">Estadísticas</a>' in r.text
    assert r.text.count('role="img"') >= 6
    datos = _compara_con_api(api, r.text)
    assert datos["totales"]["total_casos"] == 8
    assert "<Aftosa>" not in r.text
    assert html.escape(PRODUCTO_RARO) in r.text
    menor = datos["tiempo_promedio_resolucion"]["menor"]
    resolucion = _barras(r.text, "g-resolucion")
    assert resolucion == {"Crítico": 0, "Mayor": 0, "Menor": menor}
    objetivos = re.findall(r'class="objetivo" data-valor="([^"]*)"', _svg(r.text, "g-resolucion"))
    assert [float(o) for o in objetivos] == [5 * 24, 15 * 24, 30 * 24]
    assert "30 días hábiles" in r.text
    assert "30,0 h" in r.text


def test_filtro_de_fechas_igual_que_la_api(
    api: Api, db: Database, login: Callable[[str], TestClient]
) -> None:
    _sembrar(api, db)
    web = login("lectura")
    filtro = {"fecha_desde": "2024-03-05", "fecha_hasta": "2024-03-06"}
    r = web.get("/estadisticas", params=filtro)
    assert r.status_code == 200
    datos = _compara_con_api(api, r.text, **filtro)
    assert datos["totales"]["total_casos"] == 3
    assert "Del 05/03/2024 al 06/03/2024" in r.text
    serie = _apiladas(r.text)
    assert serie == {("05/03/2024", "Reclamo"): 2, ("06/03/2024", "Reclamo"): 1}
    assert 'value="2024-03-05"' in r.text
    semanas = web.get("/estadisticas?fecha_desde=2024-01-01&fecha_hasta=2024-06-30")
    assert "Casos creados por semana y tipo" in semanas.text
    assert _apiladas(semanas.text)[("Semana del 04/03/2024", "Reclamo")] == 6
    assert sum(_apiladas(semanas.text).values()) == 7
    meses = web.get("/estadisticas?fecha_hasta=2025-12-31").text
    assert "Casos creados por mes y tipo" in meses
    assert _apiladas(meses)[("marzo 2024", "Queja")] == 1


def test_el_grafico_cambia_al_crear_y_clasificar(
    api: Api, login: Callable[[str], TestClient]
) -> None:
    web = login("lectura")
    vacia = web.get("/estadisticas").text
    assert "Sin datos" in vacia
    assert _kpi(vacia, "total") == "0"
    numero = crear_caso(api)
    hoy = utcnow().strftime("%d/%m/%Y")
    antes = web.get("/estadisticas").text
    assert _apiladas(antes) == {(hoy, "Sin clasificar"): 1}
    assert _barras(antes, "g-estado")["Nuevo"] == 1
    assert "<rect" not in _svg(antes, "g-criticidad")
    clasificar(api, numero, "reclamo", "critico")
    despues = web.get("/estadisticas").text
    assert _apiladas(despues) == {(hoy, "Reclamo"): 1}
    assert _barras(despues, "g-criticidad") == {"Crítico": 1, "Mayor": 0, "Menor": 0}
    _compara_con_api(api, despues)


def test_htmx_devuelve_solo_la_seccion(api: Api, login: Callable[[str], TestClient]) -> None:
    crear_caso(api)
    web = login("lectura")
    r = web.get(
        "/estadisticas?fecha_desde=2020-01-01",
        headers={"HX-Request": "true", "HX-Target": "estadisticas"},
    )
    assert r.status_code == 200
    assert r.text.lstrip().startswith('<section id="estadisticas"')
    assert "<html" not in r.text
    assert 'hx-get="/estadisticas"' in r.text
    assert 'hx-push-url="true"' in r.text
    assert '<label for="f-fecha_desde">' in r.text
    assert 'method="get"' in r.text


def test_fecha_invalida_400_junto_al_campo(login: Callable[[str], TestClient]) -> None:
    web = login("lectura")
    r = web.get("/estadisticas?fecha_desde=2024-13-45")
    assert r.status_code == 400
    assert 'aria-invalid="true" aria-describedby="e-fecha_desde"' in r.text
    assert '<small class="campo-error" id="e-fecha_desde">' in r.text
    assert "fecha_desde" in r.text
    assert 'value="2024-13-45"' in r.text
    assert 'role="img"' not in r.text
    al_reves = web.get(
        "/estadisticas?fecha_desde=2024-03-10&fecha_hasta=2024-03-01",
        headers={"HX-Request": "true", "HX-Target": "estadisticas"},
    )
    assert al_reves.status_code == 400
    assert al_reves.text.lstrip().startswith("<section")
    assert 'id="e-fecha_hasta"' in al_reves.text
    assert "posterior a fecha_desde" in al_reves.text
    assert web.get("/estadisticas?fecha_desde=&fecha_hasta=").status_code == 200


def test_sin_sesion_va_al_login(client: TestClient) -> None:
    r = client.get("/estadisticas", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=/estadisticas"
    htmx = client.get("/estadisticas", headers={"HX-Request": "true"}, follow_redirects=False)
    assert htmx.headers["HX-Redirect"] == "/login?next=/estadisticas"


def test_serie_sin_cargar_casos(api: Api, db: Database) -> None:
    """The series reads grouped totals only: a fixed number of queries, each one a GROUP BY."""
    hoy = utcnow().date()

    def consultas_de_la_serie() -> tuple[list[str], SerieCasos]:
        consultas: list[str] = []

        def contar(*args: Any) -> None:
            consultas.append(str(args[2]))

        event.listen(db.engine, "before_cursor_execute", contar)
        try:
            with db.transaction(write=False) as session:
                serie = service.serie_por_tipo(
                    session, fecha_desde=hoy - timedelta(days=400), fecha_hasta=None, hoy=hoy
                )
        finally:
            event.remove(db.engine, "before_cursor_execute", contar)
        return [c for c in consultas if c.lstrip().upper().startswith("SELECT")], serie

    crear_caso(api)
    pocas, _ = consultas_de_la_serie()
    for _ in range(2):
        crear_caso(api)
    consultas, serie = consultas_de_la_serie()
    assert len(consultas) == len(pocas)
    assert all("GROUP BY" in c or "DISTINCT" in c for c in consultas)
    assert serie.paso == "semana"
    assert serie.inicios[-1] <= hoy < serie.inicios[-1] + timedelta(days=7)
    assert sum(serie.por_tipo["pendiente_clasificacion"]) == 3
