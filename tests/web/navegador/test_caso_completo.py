"""A case's whole life in the browser: classify, investigate, resolve; refusals for CSRF and roles."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.conftest import Api
from tests.factories import caso_payload, crear_colaborador
from tests.web.helpers import PASSWORD, crear_usuario
from vetanco.db import Database


def _caso_sin_clasificar(api: Api) -> str:
    payload = caso_payload(descripcion={"que_sucedio": "El frasco vino con partículas negras"})
    payload.pop("tipo_caso", None)
    respuesta = api.post("/api/casos", json=payload)
    assert respuesta.status_code == 201, respuesta.text
    numero: str = respuesta.json()["caso"]["numero_caso"]
    return numero


def test_clasificar_investigar_y_resolver(
    api: Api, page: Page, entrar: Callable[[str], Page], captura: Callable[[str], Path]
) -> None:
    investigadora = crear_colaborador(api, nombre="Dra. Laura Sosa")
    numero = _caso_sin_clasificar(api)
    entrar("calidad")
    page.get_by_role("link", name="Estadísticas").click()
    estados_antes = page.locator("#g-estado-d").text_content()
    assert estados_antes
    assert "Resuelto: 0" in estados_antes or "Resuelto" not in estados_antes
    captura("estadisticas-antes")
    page.get_by_role("link", name="Bandeja").click()
    page.get_by_label("Tipo", exact=True).select_option("pendiente_clasificacion")
    page.get_by_role("link", name=numero).click()
    expect(page.get_by_role("heading", name=re.compile(numero))).to_be_visible()
    captura("caso-nuevo")

    page.locator("#clasificar-tipo_caso").select_option("reclamo")
    page.locator("#clasificar-criticidad").select_option("")
    page.get_by_role("button", name="Guardar clasificación").click()
    error = page.locator("#clasificar-criticidad-error")
    expect(error).to_be_visible()
    expect(page.locator("#clasificar-criticidad")).to_have_attribute("aria-invalid", "true")
    captura("clasificar-error")
    page.locator("#clasificar-criticidad").select_option("critico")
    page.get_by_role("button", name="Guardar clasificación").click()
    expect(page.locator("header .b-critico, .b-critico").first).to_be_visible()
    expect(page.locator("#historial")).to_contain_text("usuario:calidad@vetanco.com.ar")

    page.locator("#inv-iniciar-investigador_id").select_option(investigadora)
    page.get_by_role("button", name="Iniciar investigación").click()
    expect(page.locator("#investigacion")).to_contain_text("Dra. Laura Sosa")
    page.get_by_text("Actualizar investigación").click()
    page.locator("#inv-act-hallazgos").fill("Partículas de caucho del tapón")
    page.locator("#inv-act-causa_raiz").fill("Tapones de un proveedor nuevo sin validar")
    page.get_by_role("button", name="Guardar avances").click()
    expect(page.locator("#investigacion")).to_contain_text("Tapones de un proveedor nuevo")
    page.get_by_text("Completar investigación", exact=True).first.click()
    page.get_by_role("button", name="Completar investigación").click()
    expect(page.locator("#investigacion")).to_contain_text("Completada")
    captura("investigacion-completa")

    page.get_by_text("Cambiar estado", exact=True).first.click()
    page.locator("#estado-estado").select_option("resuelto")
    page.get_by_role("button", name="Cambiar estado").click()
    expect(page.locator("#estado-resolucion-error")).to_be_visible()
    page.locator("#estado-resolucion").fill("Lote retenido y tapones reemplazados")
    page.locator("#estado-acciones_correctivas").fill("Cambio de proveedor de tapones")
    page.get_by_role("button", name="Cambiar estado").click()
    expect(page.locator("#estado")).to_contain_text("Resuelto")
    historial = page.locator("#historial")
    expect(historial).to_contain_text("En investigación → Resuelto")
    captura("caso-resuelto")
    page.get_by_role("link", name="Estadísticas").click()
    estados_despues = page.locator("#g-estado-d").text_content()
    assert estados_despues != estados_antes
    assert "Resuelto: 1" in (estados_despues or "")
    captura("estadisticas-despues")
    detalle = api.get(f"/api/casos/{numero}").json()["caso"]
    assert detalle["estado"] == "resuelto"
    assert detalle["investigacion"]["causa_raiz"] == "Tapones de un proveedor nuevo sin validar"


def test_csrf_y_roles_rechazados(
    api: Api,
    browser: Browser,
    live_server: str,
    db: Database,
    page: Page,
    entrar: Callable[[str], Page],
    captura: Callable[[str], Path],
) -> None:
    numero = _caso_sin_clasificar(api)
    entrar("lectura")
    page.goto(f"/casos/{numero}")
    expect(page.get_by_role("button", name="Guardar clasificación")).to_have_count(0)
    captura("caso-solo-lectura")
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    assert token
    prohibido = page.request.post(
        f"/casos/{numero}/clasificar",
        form={"csrf_token": token, "tipo_caso": "queja"},
        max_redirects=0,
    )
    assert prohibido.status == 403

    email = crear_usuario(db, "calidad", "otra@vetanco.com.ar")
    contexto = browser.new_context(base_url=live_server)
    try:
        otra = contexto.new_page()
        otra.goto("/login")
        otra.get_by_label("Email").fill(email)
        otra.get_by_label("Contraseña").fill(PASSWORD)
        otra.get_by_role("button", name="Ingresar").click()
        otra.wait_for_url(re.compile("/casos"))
        sin_token = otra.request.post(
            f"/casos/{numero}/clasificar", form={"tipo_caso": "queja"}, max_redirects=0
        )
        assert sin_token.status == 403
        assert "formulario venció" in sin_token.text()
        ajeno = otra.request.post(
            f"/casos/{numero}/clasificar",
            form={"csrf_token": token, "tipo_caso": "queja"},
            max_redirects=0,
        )
        assert ajeno.status == 403
    finally:
        contexto.close()
    assert api.get(f"/api/casos/{numero}").json()["caso"]["tipo_caso"] == "pendiente_clasificacion"
