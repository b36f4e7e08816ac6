"""Logging into the dashboard through its own login form, as a browser would."""

from __future__ import annotations

import re

import httpx
from fastapi.testclient import TestClient

from vetanco.auth.roles import Role
from vetanco.db import Database
from vetanco.usuarios import service as usuarios
from vetanco.usuarios.schemas import UsuarioCreate

PASSWORD = "clave-de-prueba-1234"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def crear_usuario(db: Database, rol: str, email: str | None = None) -> str:
    email = email or f"{rol}@vetanco.com.ar"
    data = UsuarioCreate(email=email, nombre=f"Persona {rol}", rol=Role(rol), password=PASSWORD)
    with db.transaction() as session:
        usuarios.crear(session, data=data)
    return email


def csrf_de(html: str) -> str:
    match = _CSRF.search(html)
    assert match, "la página no trae token CSRF"
    return match.group(1)


def ingresar(client: TestClient, email: str, password: str = PASSWORD) -> httpx.Response:
    token = csrf_de(client.get("/login").text)
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token, "next": "/casos"},
        follow_redirects=False,
    )


def token(client: TestClient, path: str = "/casos") -> str:
    return csrf_de(client.get(path).text)
