from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.web.helpers import crear_usuario, ingresar
from vetanco.db import Database


@pytest.fixture
def login(client: TestClient, db: Database) -> Callable[[str], TestClient]:
    """Creates an account of the role and logs the test client in with it."""

    def _login(rol: str = "calidad") -> TestClient:
        email = crear_usuario(db, rol)
        respuesta = ingresar(client, email)
        assert respuesta.status_code == 303, respuesta.text
        return client

    return _login
