"""Playwright driving Debian's Chromium against the app on a loopback port; never downloads."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.web.helpers import PASSWORD, crear_usuario
from vetanco.db import Database

CHROMIUM = "/usr/bin/chromium"
CAPTURAS = Path(
    os.environ.get("VETANCO_CAPTURAS", Path(__file__).parents[3] / "test-output" / "capturas")
)
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail("falta /usr/bin/chromium: en CI las pruebas en navegador son obligatorias")
        pytest.skip("Chromium de Debian no instalado (apt-get install chromium)")
    with sync_playwright() as p:
        navegador = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield navegador
        navegador.close()


@pytest.fixture
def page(browser: Browser, live_server: str) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live_server, locale="es-AR", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(30_000)  # a loaded 2-core CI box can take >10 s to first paint
    pagina = context.new_page()
    yield pagina
    context.close()


@pytest.fixture
def captura(request: pytest.FixtureRequest, page: Page) -> Callable[[str], Path]:
    """Full-page PNG under test-output/capturas/<test>/<n>-<name>.png, for a person to look at."""
    nombre = re.sub(r"[^\w.-]+", "_", request.node.name)
    carpeta = CAPTURAS / nombre
    shutil.rmtree(carpeta, ignore_errors=True)
    carpeta.mkdir(parents=True)
    contador = iter(range(1, 1000))

    def _captura(titulo: str) -> Path:
        destino = carpeta / f"{next(contador):02d}-{titulo}.png"
        page.screenshot(path=str(destino), full_page=True)
        return destino

    return _captura


@pytest.fixture
def entrar(page: Page, db: Database) -> Callable[[str], Page]:
    def _entrar(rol: str = "calidad") -> Page:
        email = crear_usuario(db, rol)
        page.goto("/login")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Contraseña").fill(PASSWORD)
        page.get_by_role("button", name="Ingresar").click()
        page.wait_for_url(re.compile(r"/casos"))
        return page

    return _entrar
