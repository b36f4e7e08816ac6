"""The quality team's day in a real browser: log in, filter, export."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.conftest import Api
from tests.factories import clasificar, crear_caso
from tests.web.navegador import accesibilidad


def test_ingresar_y_filtrar_la_bandeja(
    api: Api, page: Page, entrar: Callable[[str], Page], captura: Callable[[str], Path]
) -> None:
    critico = crear_caso(api, descripcion={"que_sucedio": "Murieron 3 terneros después de aplicar"})
    clasificar(api, critico, "reclamo", "critico")
    otro = crear_caso(api, descripcion={"que_sucedio": "La caja llegó abollada"})
    page.goto("/login")
    captura("login")
    entrar("calidad")
    expect(page.get_by_role("heading", name="Bandeja de casos")).to_be_visible()
    expect(page.locator(f"#fila-{otro}")).to_be_visible()
    captura("bandeja")
    page.get_by_label("Criticidad").select_option("critico")
    expect(page.locator(f"#fila-{otro}")).to_have_count(0)
    expect(page.locator(f"#fila-{critico}")).to_be_visible()
    expect(page).to_have_url(re.compile(r"criticidad=critico"))
    page.get_by_label("Criticidad").select_option("")
    page.get_by_label("Buscar").fill("abollada")
    expect(page.locator(f"#fila-{critico}")).to_have_count(0)
    expect(page.locator(f"#fila-{otro}")).to_be_visible()
    captura("bandeja-buscada")
    nuevo = crear_caso(api, descripcion={"que_sucedio": "Otra caja abollada en el envío"})
    page.evaluate("htmx.trigger('#resultados', 'every 15s')")
    page.reload()
    expect(page.locator(f"#fila-{nuevo}")).to_be_visible()
    with page.expect_download() as descarga:
        page.get_by_role("button", name="CSV").click()
    assert descarga.value.suggested_filename.endswith(".csv")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/casos")
    ancho = page.evaluate("document.documentElement.scrollWidth")
    assert ancho <= 390, f"la bandeja se desborda en un teléfono ({ancho}px)"
    expect(page.get_by_role("button", name="Salir")).to_be_in_viewport()
    captura("bandeja-telefono")


def test_cada_pagina_del_menu(
    api: Api, page: Page, entrar: Callable[[str], Page], captura: Callable[[str], Path]
) -> None:
    """Every menu page opens without errors, one h1, labelled controls, AA contrast; a screenshot."""
    numero = crear_caso(api)
    entrar("admin")
    enlaces = page.locator("nav.container-fluid ul.menu a")
    destinos = [enlaces.nth(i).get_attribute("href") for i in range(enlaces.count())]
    assert {"/casos", "/estadisticas", "/conversaciones", "/admin/webhooks"} <= set(destinos)
    errores: list[str] = []
    page.on("pageerror", lambda exc: errores.append(str(exc)))
    for destino in [*destinos, f"/casos/{numero}"]:
        assert destino
        respuesta = page.goto(destino)
        assert respuesta is not None
        assert respuesta.status == 200, destino
        expect(page.locator("h1")).to_have_count(1)
        assert accesibilidad.problemas(page) == [], destino
        assert accesibilidad.primer_tab_salta_al_contenido(page), destino
        captura(destino.strip("/").replace("/", "-"))
    assert errores == []


def test_el_control_de_accesibilidad_detecta_fallas(page: Page) -> None:
    """The checker used on every page is itself checked: it flags what it claims to flag."""
    page.set_content(
        '<html lang="es"><body style="background:#fff">'
        '<p style="color:#bbb">gris claro sobre blanco</p>'
        '<p style="color:#222">legible</p>'
        '<input name="sin_etiqueta"><label>Con <input name="con"></label><img src="x.png">'
        "</body></html>"
    )
    encontrados = accesibilidad.problemas(page)
    assert any(p.startswith("contraste") and "gris claro" in p for p in encontrados)
    assert not any("legible" in p for p in encontrados)
    assert any("sin_etiqueta" in p for p in encontrados)
    assert not any('name="con"' in p for p in encontrados)
    assert any(p.startswith("imagen sin alt") for p in encontrados)
