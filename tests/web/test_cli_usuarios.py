"""`vetanco usuario crear` with the password as an option or typed at the prompt."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from vetanco.cli import app
from vetanco.config import get_settings
from vetanco.db import Database
from vetanco.usuarios import repository


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, database_url: str) -> Database:
    monkeypatch.setenv("VETANCO_DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield Database(database_url)
    get_settings.cache_clear()


def test_crear_con_password_por_opcion(cli_env: Database) -> None:
    r = CliRunner().invoke(
        app,
        [
            "usuario",
            "crear",
            "--email",
            "Ana@Vetanco.com.ar",
            "--nombre",
            "Ana",
            "--rol",
            "calidad",
            "--password",
            "una-clave-larga",
        ],
    )
    assert r.exit_code == 0, r.output
    with cli_env.transaction(write=False) as session:
        usuario = repository.por_email(session, "ana@vetanco.com.ar")
        assert usuario is not None
        assert usuario.rol == "calidad"
        assert usuario.email == "ana@vetanco.com.ar"
    listado = CliRunner().invoke(app, ["usuario", "listar"])
    assert "ana@vetanco.com.ar\tAna\tcalidad\tactivo" in listado.output
    assert "una-clave-larga" not in listado.output


def test_password_pedida_sin_mostrarla(cli_env: Database) -> None:
    r = CliRunner().invoke(
        app,
        ["usuario", "crear", "--email", "b@vetanco.com.ar", "--nombre", "B", "--rol", "lectura"],
        input="otra-clave-larga\notra-clave-larga\n",
    )
    assert r.exit_code == 0, r.output
    assert "otra-clave-larga" not in r.output


def test_errores_claros(cli_env: Database) -> None:
    corta = CliRunner().invoke(
        app,
        [
            "usuario",
            "crear",
            "--email",
            "c@vetanco.com.ar",
            "--nombre",
            "C",
            "--rol",
            "admin",
            "--password",
            "corta",
        ],
    )
    assert corta.exit_code == 1
    assert "password" in corta.output
    rol = CliRunner().invoke(
        app,
        [
            "usuario",
            "crear",
            "--email",
            "c@vetanco.com.ar",
            "--nombre",
            "C",
            "--rol",
            "jefe",
            "--password",
            "una-clave-larga",
        ],
    )
    assert rol.exit_code == 2
    args = [
        "usuario",
        "crear",
        "--email",
        "d@vetanco.com.ar",
        "--nombre",
        "D",
        "--rol",
        "admin",
        "--password",
        "una-clave-larga",
    ]
    assert CliRunner().invoke(app, args).exit_code == 0
    repetido = CliRunner().invoke(app, args)
    assert repetido.exit_code == 1
    assert "Ya existe" in repetido.output
