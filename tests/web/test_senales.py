"""Señales pages: list with filters, detail with «¿otros lotes?», and Calidad's state change."""

from __future__ import annotations

import html as html_lib
import re
import uuid
from collections.abc import Callable

import httpx
from fastapi.testclient import TestClient

from tests.conftest import Api
from tests.factories import clasificar
from tests.senales.helpers import detalle, reclamo, una_senal
from tests.web.helpers import token

Login = Callable[[str], TestClient]
OTRO_PRODUCTO = "Ivermectina 1%"


def _sembrar(api: Api) -> dict[str, str]:
    """A crítico reclamo opens a signal; a menor one on a sibling lot shows up as «otro lote»."""
    numero = reclamo(api, "LOTE-A1", tipo=None)
    clasificar(api, numero, "reclamo", "critico")
    reclamo(api, "LOTE-A2", "menor")
    otro = reclamo(api, "IVER-9", tipo=None, producto=OTRO_PRODUCTO)
    clasificar(api, otro, "reclamo", "critico")
    return {"numero": numero, "senal": una_senal(api, lote="LOTE-A1")["id"]}


def _ids(html: str) -> list[str]:
    return re.findall(r'<tr id="senal-([0-9a-f-]+)"', html)


def _post(
    web: TestClient, senal_id: str, data: dict[str, str], *, htmx: bool = False
) -> httpx.Response:
    headers = {"HX-Request": "true"} if htmx else {}
    body = {"csrf_token": token(web, "/senales"), **data}
    return web.post(
        f"/senales/{senal_id}/estado", data=body, headers=headers, follow_redirects=False
    )


def _error_de(html: str, fid: str) -> str:
    assert re.search(
        rf'id="{fid}" name="[^"]+" aria-invalid="true" aria-describedby="{fid}-error"', html
    ), fid
    match = re.search(rf'<small class="campo-error" id="{fid}-error">([^<]+)</small>', html)
    assert match, f"sin error junto a {fid}"
    return html_lib.unescape(match.group(1))


def test_lista_y_filtros(api: Api, login: Login) -> None:
    s = _sembrar(api)
    web = login("lectura")
    r = web.get("/senales")
    assert r.status_code == 200
    assert 'href="/senales"' in r.text  # menu entry
    assert s["senal"] in _ids(r.text)
    assert len(_ids(r.text)) == 2
    assert 'class="badge b-abierta"' in r.text
    assert "Crítico" in r.text
    assert _ids(web.get("/senales?lote=LOTE-A1&estado=&producto=").text) == [s["senal"]]
    assert _ids(web.get("/senales?producto=vetancilina").text) == [s["senal"]]
    assert _ids(web.get("/senales?estado=descartada").text) == []
    assert "No hay señales" in web.get("/senales?estado=descartada").text
    parcial = web.get("/senales?lote=LOTE-A1", headers={"HX-Target": "resultados"}).text
    assert "<html" not in parcial
    assert _ids(parcial) == [s["senal"]]


def test_detalle_muestra_casos_y_otros_lotes(api: Api, login: Login) -> None:
    s = _sembrar(api)
    web = login("lectura")
    r = web.get(f"/senales/{s['senal']}")
    assert r.status_code == 200
    assert f'href="/casos/{s["numero"]}"' in r.text
    otros = r.text.split('id="otros-lotes"')[1].split("</section>")[0]
    assert "¿Otros lotes afectados?" in otros
    assert "LOTE-A2" in otros
    assert "IVER-9" not in otros
    assert "Historial" in r.text
    assert f'action="/senales/{s["senal"]}/estado"' not in r.text  # lectura: no form


def test_cambio_de_estado(api: Api, login: Login) -> None:
    s = _sembrar(api)
    web = login("calidad")
    pagina = web.get(f"/senales/{s['senal']}").text
    assert f'action="/senales/{s["senal"]}/estado"' in pagina
    assert '<option value="abierta"' not in pagina  # only allowed transitions
    r = _post(web, s["senal"], {"estado": "en_evaluacion", "motivo": "Contramuestras pedidas"})
    assert r.status_code == 303
    assert r.headers["location"] == f"/senales/{s['senal']}"
    pagina = web.get(r.headers["location"]).text
    assert "Estado de la señal actualizado." in pagina
    assert "Contramuestras pedidas" in pagina.split('id="historial"')[1]
    api_senal = detalle(api, s["senal"])
    assert api_senal["estado"] == "en_evaluacion"
    assert api_senal["historial"][-1]["motivo"] == "Contramuestras pedidas"
    assert api_senal["historial"][-1]["actor"].startswith("usuario:")
    hx = _post(web, s["senal"], {"estado": "descartada", "motivo": "Sin hallazgos"}, htmx=True)
    assert hx.status_code == 204
    assert hx.headers["HX-Redirect"] == f"/senales/{s['senal']}"
    cerrada = web.get(f"/senales/{s['senal']}").text
    assert "no admite más cambios de estado" in cerrada


def test_errores_junto_al_campo(api: Api, login: Login) -> None:
    s = _sembrar(api)
    web = login("calidad")
    r = _post(web, s["senal"], {"estado": "en_evaluacion", "motivo": "   "})
    assert r.status_code == 400
    assert _error_de(r.text, "senal-motivo") == "Campo obligatorio."
    assert 'value="en_evaluacion" selected' in r.text
    r = _post(web, s["senal"], {"estado": "abierta", "motivo": "Volver atrás"}, htmx=True)
    assert r.status_code == 409
    assert "<html" not in r.text
    assert "No se puede pasar" in _error_de(r.text, "senal-estado")
    assert "Volver atrás" in r.text
    assert detalle(api, s["senal"])["estado"] == "abierta"
    assert len(detalle(api, s["senal"])["historial"]) == 1


def test_lectura_no_puede_cambiar_estado(api: Api, login: Login) -> None:
    s = _sembrar(api)
    web = login("lectura")
    r = _post(web, s["senal"], {"estado": "descartada", "motivo": "x"})
    assert r.status_code == 403
    assert "No tenés permiso" in r.text
    assert detalle(api, s["senal"])["estado"] == "abierta"


def test_sin_token_csrf_se_rechaza(api: Api, login: Login) -> None:
    s = _sembrar(api)
    web = login("calidad")
    r = web.post(
        f"/senales/{s['senal']}/estado",
        data={"estado": "descartada", "motivo": "x"},
        follow_redirects=False,
    )
    assert r.status_code == 403
    assert "formulario venció" in r.text
    assert detalle(api, s["senal"])["estado"] == "abierta"


def test_senal_inexistente_da_404(login: Login) -> None:
    web = login("calidad")
    for ruta in (f"/senales/{uuid.uuid4()}", "/senales/no-es-un-uuid"):
        r = web.get(ruta)
        assert r.status_code == 404, ruta
        assert "No encontrado" in r.text
    r = _post(web, str(uuid.uuid4()), {"estado": "descartada", "motivo": "x"})
    assert r.status_code == 404
