"""Dashboard accounts: login, lock-out, logout, CSRF, roles, session revocation."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.web.helpers import PASSWORD, crear_usuario, csrf_de, ingresar, token
from vetanco.config import Settings
from vetanco.db import Database
from vetanco.usuarios import service as usuarios
from vetanco.usuarios.models import Usuario


def test_sin_sesion_redirige_al_login_con_destino(client: TestClient) -> None:
    r = client.get("/casos?estado=nuevo", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=/casos"
    htmx = client.get("/casos", headers={"HX-Request": "true"}, follow_redirects=False)
    assert htmx.status_code == 204
    assert htmx.headers["HX-Redirect"].startswith("/login")


def test_raiz_lleva_a_la_bandeja(client: TestClient) -> None:
    r = client.get("/", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/casos"


def test_login_correcto_fija_cookie_firmada_httponly(client: TestClient, db: Database) -> None:
    email = crear_usuario(db, "calidad")
    r = ingresar(client, email.upper())
    assert r.status_code == 303
    assert r.headers["location"] == "/casos"
    cookie = r.headers["set-cookie"]
    assert "vetanco_sesion=" in cookie
    assert "httponly" in cookie.lower()
    assert "samesite=lax" in cookie.lower()
    assert PASSWORD not in cookie
    assert email not in cookie
    pagina = client.get("/casos")
    assert pagina.status_code == 200
    assert "Persona calidad" in pagina.text


def test_password_guardada_como_argon2(db: Database) -> None:
    crear_usuario(db, "lectura")
    with db.transaction(write=False) as session:
        hash_ = session.query(Usuario).one().password_hash
    assert hash_.startswith("$argon2id$")
    assert PASSWORD not in hash_


def test_login_incorrecto_no_dice_cual_campo(client: TestClient, db: Database) -> None:
    email = crear_usuario(db, "calidad")
    malo = ingresar(client, email, "otra-clave-999")
    inexistente = ingresar(client, "nadie@vetanco.com.ar")
    for r in (malo, inexistente):
        assert r.status_code == 401
        assert "Email o contraseña incorrectos" in r.text
    assert client.get("/casos", follow_redirects=False).status_code == 303


def test_bloqueo_tras_intentos_fallidos(
    client: TestClient, db: Database, settings: Settings
) -> None:
    email = crear_usuario(db, "calidad")
    for _ in range(settings.login_max_intentos - 1):
        assert ingresar(client, email, "mala-clave-000").status_code == 401
    bloqueado = ingresar(client, email, "mala-clave-000")
    assert "bloqueada" in bloqueado.text
    correcto = ingresar(client, email)
    assert correcto.status_code == 401
    assert "bloqueada" in correcto.text
    with db.transaction() as session:
        usuarios.cambiar_password(session, email=email, password=PASSWORD)
    assert ingresar(client, email).status_code == 303


def test_login_sin_csrf_es_rechazado(client: TestClient, db: Database) -> None:
    email = crear_usuario(db, "calidad")
    client.get("/login")
    r = client.post("/login", data={"email": email, "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 403
    assert "formulario venció" in r.text


def test_csrf_de_otra_sesion_no_sirve(
    client: TestClient, db: Database, app: object, login: Callable[[str], TestClient]
) -> None:
    login("calidad")
    with TestClient(app) as otro:  # type: ignore[arg-type]
        ajeno = csrf_de(otro.get("/login").text)
    r = client.post("/logout", data={"csrf_token": ajeno}, follow_redirects=False)
    assert r.status_code == 403
    assert client.get("/casos").status_code == 200


def test_logout_cierra_la_sesion(login: Callable[[str], TestClient]) -> None:
    client = login("lectura")
    r = client.post("/logout", data={"csrf_token": token(client)}, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/login"
    assert client.get("/casos", follow_redirects=False).status_code == 303


def test_cookie_vieja_deja_de_valer_al_cerrar_sesiones(
    login: Callable[[str], TestClient], db: Database
) -> None:
    client = login("calidad")
    with db.transaction() as session:
        usuarios.cerrar_sesiones(session, email="calidad@vetanco.com.ar")
    assert client.get("/casos", follow_redirects=False).status_code == 303


def test_usuario_desactivado_no_entra(client: TestClient, db: Database) -> None:
    email = crear_usuario(db, "calidad")
    with db.transaction() as session:
        usuarios.desactivar(session, email=email)
    assert ingresar(client, email).status_code == 401


@pytest.mark.parametrize("destino", ["https://malicioso.test/", "//malicioso.test", "/\\malo"])
def test_next_externo_se_ignora(client: TestClient, db: Database, destino: str) -> None:
    email = crear_usuario(db, "calidad")
    t = csrf_de(client.get("/login").text)
    r = client.post(
        "/login",
        data={"email": email, "password": PASSWORD, "csrf_token": t, "next": destino},
        follow_redirects=False,
    )
    assert r.headers["location"] == "/casos"


def test_error_de_pagina_es_html_y_api_sigue_en_json(
    login: Callable[[str], TestClient], client: TestClient
) -> None:
    login("lectura")
    r = client.get("/casos?estado=inventado")
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("text/html")
    assert "estado" in r.text
    api = client.get("/api/casos?estado=inventado")
    assert api.status_code in (400, 401)
    assert api.headers["content-type"] == "application/json"
