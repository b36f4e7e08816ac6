"""Bandeja: filters as in the API, free text, sort, pagination, live refresh, CSV/XLSX export."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.conftest import Api
from tests.factories import caso_payload, clasificar, crear_caso
from vetanco.web.paginas.bandeja import POR_PAGINA


def _numeros(html: str) -> list[str]:
    return re.findall(r'<tr id="fila-(VET-\d{4}-\d+)"', html)


def _sembrar(api: Api) -> dict[str, str]:
    critico = crear_caso(api, descripcion={"que_sucedio": "Murieron 3 terneros después de aplicar"})
    clasificar(api, critico, "reclamo", "critico")
    queja = crear_caso(
        api,
        descripcion={"que_sucedio": "El pedido llegó tarde otra vez"},
        cliente={"razon_social": "Estancia La Margarita", "cuit": "30-71234567-1"},
        canal="email",
    )
    clasificar(api, queja, "queja", None)
    formula = crear_caso(api, descripcion={"que_sucedio": '=HYPERLINK("http://x")'})
    return {"critico": critico, "queja": queja, "formula": formula}


def test_lista_con_badges_y_filtros(api: Api, login: Callable[[str], TestClient]) -> None:
    casos = _sembrar(api)
    web = login("lectura")
    todo = web.get("/casos")
    assert todo.status_code == 200
    assert set(_numeros(todo.text)) == set(casos.values())
    assert 'class="badge b-critico"' in todo.text
    assert "Sin clasificar" in todo.text
    criticos = web.get("/casos?criticidad=critico").text
    assert _numeros(criticos) == [casos["critico"]]
    assert _numeros(web.get("/casos?canal=email").text) == [casos["queja"]]
    vacios = web.get("/casos?estado=cerrado").text
    assert "No hay casos con estos filtros" in vacios


def test_busqueda_libre_por_cliente_relato_numero_y_lote(
    api: Api, login: Callable[[str], TestClient]
) -> None:
    casos = _sembrar(api)
    web = login("lectura")
    assert _numeros(web.get("/casos?q=margarita").text) == [casos["queja"]]
    assert _numeros(web.get("/casos?q=TERNEROS").text) == [casos["critico"]]
    assert _numeros(web.get(f"/casos?q={casos['formula']}").text) == [casos["formula"]]
    assert _numeros(web.get("/casos?q=100%25").text) == []
    api_q = api.get("/api/casos", params={"q": "margarita"}).json()
    assert [c["numero_caso"] for c in api_q["data"]] == [casos["queja"]]


def test_orden_por_criticidad_y_antiguedad(api: Api, login: Callable[[str], TestClient]) -> None:
    casos = _sembrar(api)
    web = login("lectura")
    assert _numeros(web.get("/casos?orden=criticidad").text)[0] == casos["critico"]
    assert _numeros(web.get("/casos?orden=created_at").text)[0] == casos["critico"]
    assert _numeros(web.get("/casos").text)[0] == casos["formula"]
    assert web.get("/casos?orden=inventado").status_code == 400


def test_paginacion_y_refresco_en_vivo(api: Api, login: Callable[[str], TestClient]) -> None:
    for _ in range(POR_PAGINA + 2):
        api.post("/api/casos", json=caso_payload())
    web = login("lectura")
    primera = web.get("/casos")
    assert len(_numeros(primera.text)) == POR_PAGINA
    assert "Página 1 de 2" in primera.text
    assert 'hx-trigger="every 15s' in primera.text
    segunda = web.get("/casos?page=2")
    assert len(_numeros(segunda.text)) == 2
    assert 'hx-trigger="every 15s' not in segunda.text
    parcial = web.get("/casos", headers={"HX-Request": "true", "HX-Target": "resultados"})
    assert parcial.text.lstrip().startswith("<section")
    assert "<html" not in parcial.text
    nuevo = crear_caso(api)
    assert _numeros(web.get("/casos", headers={"HX-Target": "resultados"}).text)[0] == nuevo


def test_exporta_csv_de_lo_filtrado(api: Api, login: Callable[[str], TestClient]) -> None:
    casos = _sembrar(api)
    web = login("lectura")
    r = web.get("/casos/export?formato=csv")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    filas = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert {f["numero_caso"] for f in filas} == set(casos.values())
    formula = next(f for f in filas if f["numero_caso"] == casos["formula"])
    assert formula["que_sucedio"].startswith("'=")
    solo_queja = web.get("/casos/export?formato=csv&tipo_caso=queja").content.decode("utf-8-sig")
    assert [f["numero_caso"] for f in csv.DictReader(io.StringIO(solo_queja))] == [casos["queja"]]


def test_exporta_xlsx(api: Api, login: Callable[[str], TestClient]) -> None:
    casos = _sembrar(api)
    web = login("lectura")
    r = web.get("/casos/export?formato=xlsx&criticidad=critico")
    assert r.status_code == 200
    hoja = load_workbook(io.BytesIO(r.content)).active
    assert hoja is not None
    filas = list(hoja.iter_rows(values_only=True))
    assert filas[0][0] == "numero_caso"
    assert [f[0] for f in filas[1:]] == [casos["critico"]]
    assert filas[1][3] == "critico"


def test_export_exige_sesion(client: TestClient) -> None:
    assert client.get("/casos/export", follow_redirects=False).status_code == 303
