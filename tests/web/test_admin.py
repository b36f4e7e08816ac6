"""Admin pages: API keys, webhooks and Reten health, through the same services as the API."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.conftest import Api
from tests.web.helpers import token
from vetanco.db import Database, utcnow
from vetanco.reten.models import RetenAlerta, RetenEstado

Login = Callable[[str], TestClient]
PAGINAS = ("/admin/webhooks", "/admin/reten", "/admin/claves")


def _post(web: TestClient, path: str, data: dict[str, Any] | None = None) -> Any:
    datos = {**(data or {}), "csrf_token": token(web, "/casos")}
    return web.post(path, data=datos, follow_redirects=False)


def _error(html: str, fid: str) -> str:
    match = re.search(rf'<small class="campo-error" id="{fid}-error">([^<]*)</small>', html)
    assert match, f"sin error junto a {fid}"
    assert f'aria-describedby="{fid}-error"' in html
    return match.group(1)


@pytest.mark.parametrize("rol", ["calidad", "lectura"])
def test_solo_admin(rol: str, api: Api, login: Login) -> None:
    hook = api.post("/api/webhooks", json={"url": "https://erp.example.com/h", "events": ["*"]})
    hook_id = hook.json()["id"]
    web = login(rol)
    for path in (*PAGINAS, f"/admin/webhooks/{hook_id}", "/admin/claves/test-admin/revocar"):
        assert web.get(path).status_code == 403, path
    for path, data in (
        ("/admin/claves", {"name": "intrusa", "role": "admin"}),
        ("/admin/claves/test-admin/revocar", {}),
        ("/admin/webhooks", {"url": "https://x.example.com/h", "events": "*"}),
        (f"/admin/webhooks/{hook_id}/estado", {"enabled": "false"}),
        (f"/admin/webhooks/{hook_id}/eliminar", {}),
        (f"/admin/webhooks/{hook_id}/ping", {}),
    ):
        assert _post(web, path, data).status_code == 403, path
    menu = web.get("/casos").text
    assert 'href="/admin/' not in menu
    nombres = [k["name"] for k in api.get("/api/api-keys").json()["data"]]
    assert "intrusa" not in nombres
    assert api.get(f"/api/webhooks/{hook_id}").json()["enabled"] is True


def test_menu_del_admin(login: Login) -> None:
    menu = login("admin").get("/casos").text
    for path in PAGINAS:
        assert f'href="{path}"' in menu


# --- API keys ---------------------------------------------------------------------------------


def test_crear_clave_la_muestra_una_vez_y_autentica(api: Api, login: Login) -> None:
    web = login("admin")
    r = _post(web, "/admin/claves", {"name": "erp-calidad", "role": "colaborador"})
    assert r.status_code == 201
    assert r.headers["cache-control"] == "no-store"
    [clave] = re.findall(r'value="(vk_[A-Za-z0-9_\-]+)"', r.text)
    assert "no se vuelve a mostrar" in r.text
    casos = web.get("/api/casos", headers={"Authorization": f"Bearer {clave}"})
    assert casos.status_code == 200
    lista = web.get("/admin/claves").text
    assert clave not in lista
    assert clave[:11] in lista
    assert 'id="clave-erp-calidad"' in lista
    [creada] = [k for k in api.get("/api/api-keys").json()["data"] if k["name"] == "erp-calidad"]
    assert creada["role"] == "colaborador"

    confirmar = web.get("/admin/claves/erp-calidad/revocar")
    assert confirmar.status_code == 200
    assert "Sí, revocar" in confirmar.text
    revocada = _post(web, "/admin/claves/erp-calidad/revocar")
    assert revocada.status_code == 303
    assert revocada.headers["location"] == "/admin/claves"
    assert "quedó revocada" in web.get("/admin/claves").text
    assert web.get("/api/casos", headers={"Authorization": f"Bearer {clave}"}).status_code == 401


@pytest.mark.parametrize(
    ("datos", "campo", "mensaje", "status"),
    [
        ({"name": "", "role": "lectura"}, "name", "Campo obligatorio.", 400),
        ({"name": "con espacios", "role": "lectura"}, "name", "Usá sólo letras", 400),
        ({"name": "x" * 101, "role": "lectura"}, "name", "Admite hasta 100 caracteres.", 400),
        ({"name": "valida", "role": "jefe"}, "role", "Elegí una de las opciones.", 400),
        ({"name": "test-admin", "role": "lectura"}, "name", "Ya existe una API key", 409),
    ],
)
def test_clave_invalida_se_marca_en_el_campo(
    datos: dict[str, str], campo: str, mensaje: str, status: int, api: Api, login: Login
) -> None:
    antes = len(api.get("/api/api-keys").json()["data"])
    web = login("admin")
    r = _post(web, "/admin/claves", datos)
    assert r.status_code == status
    assert _error(r.text, f"clave-{campo}").startswith(mensaje)
    assert f'value="{datos["name"]}"' in r.text
    assert "vk_" not in r.text.split('id="nueva-clave"')[1]
    assert len(api.get("/api/api-keys").json()["data"]) == antes


def test_clave_sin_csrf_o_inexistente(api: Api, login: Login) -> None:
    web = login("admin")
    r = web.post("/admin/claves", data={"name": "sin-token", "role": "admin"})
    assert r.status_code == 403
    assert all(k["name"] != "sin-token" for k in api.get("/api/api-keys").json()["data"])
    assert web.get("/admin/claves/no-existe/revocar").status_code == 404
    assert _post(web, "/admin/claves/no-existe/revocar").status_code == 404


# --- Webhooks ---------------------------------------------------------------------------------


def _crear_webhook(web: TestClient, url: str = "https://erp.example.com/vetanco") -> str:
    r = web.post(
        "/admin/webhooks",
        data={
            "url": url,
            "events": ["caso.creado", "caso.resuelto"],
            "description": "ERP",
            "csrf_token": token(web, "/admin/webhooks"),
        },
        follow_redirects=False,
    )
    assert r.status_code == 201, r.text
    assert re.search(r'value="whsec_[^"]+"', r.text)
    assert r.headers["cache-control"] == "no-store"
    match = re.search(r'id="webhook-([0-9a-f-]{36})"', r.text)
    assert match
    return match.group(1)


def test_webhook_alta_baja_y_estado(api: Api, login: Login) -> None:
    web = login("admin")
    hook_id = _crear_webhook(web)
    leido = api.get(f"/api/webhooks/{hook_id}").json()
    assert leido["events"] == ["caso.creado", "caso.resuelto"]
    assert leido["description"] == "ERP"
    assert "whsec_" not in web.get("/admin/webhooks").text

    assert _post(web, f"/admin/webhooks/{hook_id}/estado", {"enabled": "false"}).status_code == 303
    apagado = api.get(f"/api/webhooks/{hook_id}").json()
    assert apagado["enabled"] is False
    lista = web.get("/admin/webhooks").text
    assert "Webhook deshabilitado." in lista
    assert "deshabilitado manualmente" in lista
    assert _post(web, f"/admin/webhooks/{hook_id}/estado", {"enabled": "true"}).status_code == 303
    assert api.get(f"/api/webhooks/{hook_id}").json()["enabled"] is True
    assert _post(web, f"/admin/webhooks/{hook_id}/estado", {"enabled": "quizas"}).status_code == 400

    confirmar = web.get(f"/admin/webhooks/{hook_id}/eliminar")
    assert confirmar.status_code == 200
    assert "Sí, eliminar" in confirmar.text
    assert _post(web, f"/admin/webhooks/{hook_id}/eliminar").status_code == 303
    assert api.get(f"/api/webhooks/{hook_id}").status_code == 404
    assert "Webhook eliminado." in web.get("/admin/webhooks").text


def test_entregas_ping_y_reenvio(api: Api, db: Database, login: Login) -> None:
    web = login("admin")
    hook_id = _crear_webhook(web)
    vacia = web.get(f"/admin/webhooks/{hook_id}")
    assert vacia.status_code == 200
    assert "No hay entregas" in vacia.text
    assert _post(web, f"/admin/webhooks/{hook_id}/ping").status_code == 303
    [entrega] = api.get(f"/api/webhooks/{hook_id}/entregas").json()["data"]
    pagina = web.get(f"/admin/webhooks/{hook_id}").text
    assert f"Ping encolado (entrega {entrega['id']})." in pagina
    assert f'id="entrega-{entrega["id"]}"' in pagina
    assert "Reenviar" in pagina
    assert "Pendiente" in pagina
    filtrada = web.get(f"/admin/webhooks/{hook_id}?estado=entregada").text
    assert f'id="entrega-{entrega["id"]}"' not in filtrada
    assert web.get(f"/admin/webhooks/{hook_id}?estado=").status_code == 200

    r = _post(web, f"/admin/webhooks/{hook_id}/entregas/{entrega['id']}/reenviar")
    assert r.status_code == 303
    assert r.headers["location"] == f"/admin/webhooks/{hook_id}"
    assert "encolada de nuevo" in web.get(f"/admin/webhooks/{hook_id}").text
    otra = _post(web, f"/admin/webhooks/{hook_id}/entregas/msg_inexistente/reenviar")
    assert otra.status_code == 404


@pytest.mark.parametrize(
    ("datos", "campo", "mensaje"),
    [
        ({"url": "https://erp.example.com/h"}, "events", "Elegí al menos un evento."),
        ({"url": "", "events": "*"}, "url", "Campo obligatorio."),
        ({"url": "ftp://erp.example.com/h", "events": "*"}, "url", "La URL debe empezar con"),
        (
            {"url": "https://erp.example.com/h", "events": ["caso.inventado"]},
            "events",
            "Eventos desconocidos: caso.inventado",
        ),
    ],
)
def test_webhook_invalido_se_marca_en_el_campo(
    datos: dict[str, Any], campo: str, mensaje: str, api: Api, login: Login
) -> None:
    web = login("admin")
    r = _post(web, "/admin/webhooks", datos)
    assert r.status_code == 400
    assert _error(r.text, f"webhook-{campo}").startswith(mensaje)
    assert api.get("/api/webhooks").json()["data"] == []


def test_webhook_ssrf_se_marca_en_la_url(app: FastAPI, api: Api, login: Login) -> None:
    app.state.settings = app.state.settings.model_copy(update={"webhook_allow_private": False})
    web = login("admin")
    r = _post(web, "/admin/webhooks", {"url": "http://127.0.0.1:8080/hook", "events": "*"})
    assert r.status_code == 400
    assert "dirección interna" in _error(r.text, "webhook-url")
    assert 'value="http://127.0.0.1:8080/hook"' in r.text
    assert 'value="*" checked' in r.text
    assert api.get("/api/webhooks").json()["data"] == []


def test_webhook_sin_csrf_o_inexistente(api: Api, login: Login) -> None:
    web = login("admin")
    r = web.post("/admin/webhooks", data={"url": "https://erp.example.com/h", "events": "*"})
    assert r.status_code == 403
    assert api.get("/api/webhooks").json()["data"] == []
    otro = uuid.uuid4()
    assert web.get(f"/admin/webhooks/{otro}").status_code == 404
    assert web.get(f"/admin/webhooks/{otro}/eliminar").status_code == 404
    assert _post(web, f"/admin/webhooks/{otro}/eliminar").status_code == 404
    assert _post(web, f"/admin/webhooks/{otro}/estado", {"enabled": "false"}).status_code == 404


# --- Reten ------------------------------------------------------------------------------------


def test_reten_sin_configurar(login: Login) -> None:
    r = login("admin").get("/admin/reten")
    assert r.status_code == 200
    assert 'id="reten-sin-configurar"' in r.text
    assert "VETANCO_RETEN_BASE_URL" in r.text


def test_reten_configurado_muestra_modo_kpis_y_alertas(
    app: FastAPI, db: Database, api: Api, login: Login
) -> None:
    app.state.settings = app.state.settings.model_copy(
        update={"reten_base_url": "http://reten.invalid"}
    )
    ahora = utcnow()
    with db.transaction() as session:
        session.add(RetenEstado(id=1, last_poll_at=ahora, modo="polling"))
        session.add(
            RetenAlerta(
                tipo="api_caida", activa=True, detalle="7 errores consecutivos", raised_at=ahora
            )
        )
        session.add(RetenAlerta(tipo="latencia_alta", activa=False, detalle="viejo"))
    r = login("admin").get("/admin/reten")
    assert r.status_code == 200
    assert "reten-sin-configurar" not in r.text
    estado = api.get("/api/reten/estado").json()
    assert estado["modo"] == "polling"
    assert "Polling" in r.text
    assert "API de Reten caída" in r.text
    assert "7 errores consecutivos" in r.text
    assert "viejo" not in r.text
    assert "Latencia p95" in r.text
    assert "Tasa de éxito" in r.text
