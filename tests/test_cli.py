"""The `vetanco` command as an operator uses it."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from sqlalchemy import text
from typer.testing import CliRunner

from vetanco.cli import app
from vetanco.db import Database

runner = CliRunner()


def _last_line(output: str) -> str:
    return output.strip().splitlines()[-1].strip()


def test_apikey_create_list_revoke(cli_env: str) -> None:
    created = runner.invoke(app, ["apikey", "create", "--name", "erp", "--role", "calidad"])
    assert created.exit_code == 0, created.output
    key = _last_line(created.output)
    assert re.fullmatch(r"vk_[A-Za-z0-9_\-]{40,}", key)
    listed = runner.invoke(app, ["apikey", "list"])
    assert listed.exit_code == 0
    assert "erp" in listed.output
    assert "calidad" in listed.output
    assert key not in listed.output
    again = runner.invoke(app, ["apikey", "create", "--name", "erp", "--role", "lectura"])
    assert again.exit_code == 1
    bad_role = runner.invoke(app, ["apikey", "create", "--name", "x", "--role", "root"])
    assert bad_role.exit_code != 0
    revoked = runner.invoke(app, ["apikey", "revoke", "erp"])
    assert revoked.exit_code == 0
    assert runner.invoke(app, ["apikey", "revoke", "nadie"]).exit_code == 1


def test_colaborador_add_prints_id_last(cli_env: str) -> None:
    result = runner.invoke(
        app, ["colaborador", "add", "--nombre", "María González", "--cargo", "Asesora de Ventas"]
    )
    assert result.exit_code == 0, result.output
    colaborador_id = _last_line(result.output)
    with Database(cli_env).transaction(write=False) as session:
        nombre = session.execute(
            text("SELECT nombre FROM colaboradores WHERE id = :id"),
            {
                "id": colaborador_id.replace("-", "")
                if cli_env.startswith("sqlite")
                else colaborador_id
            },
        ).scalar_one()
    assert nombre == "María González"
    bad = runner.invoke(
        app, ["colaborador", "add", "--nombre", "X", "--cargo", "Y", "--email", "no-mail"]
    )
    assert bad.exit_code == 1


def test_audit_verify_on_empty_and_db_upgrade_idempotent(cli_env: str) -> None:
    assert runner.invoke(app, ["db", "upgrade"]).exit_code == 0
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "0 entradas" in result.output


def test_serve_migrates_bootstraps_admin_key_and_answers(tmp_path: Path) -> None:
    """`vetanco serve` on an empty SQLite file: migrations, one admin key printed once, API up."""
    env = {
        **os.environ,
        "VETANCO_DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
        "VETANCO_PORT": "0",
    }
    port = _free_port()
    cmd = [sys.executable, "-m", "vetanco.cli", "serve", "--port", str(port)]
    proc = subprocess.Popen(
        cmd, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        key, password = _wait_for_secrets(proc)
        base = f"http://127.0.0.1:{port}"
        _wait_until_up(base)
        response = httpx.get(f"{base}/api/casos", headers={"Authorization": f"Bearer {key}"})
        assert response.status_code == 200
        assert response.json()["pagination"]["total"] == 0
        with httpx.Client(base_url=base) as browser:
            token = re.search(r'name="csrf_token" value="([^"]+)"', browser.get("/login").text)
            assert token is not None
            form = {"email": "admin@localhost", "password": password, "csrf_token": token[1]}
            assert browser.post("/login", data=form).status_code == 303
            assert "Bandeja de casos" in browser.get("/casos").text
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)
    second = subprocess.Popen(
        cmd, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        _wait_until_up(f"http://127.0.0.1:{port}")
    finally:
        second.send_signal(signal.SIGTERM)
        output, _ = second.communicate(timeout=20)
    assert "vk_" not in output
    assert password not in output


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for_secrets(proc: subprocess.Popen[str]) -> tuple[str, str]:
    """The bootstrap API key and, on the line after its announcement, the panel password."""
    assert proc.stdout is not None
    deadline = time.monotonic() + 60
    key = password = None
    password_next = False
    while time.monotonic() < deadline and not (key and password):
        line = proc.stdout.readline()
        if not line:
            break
        if password_next:
            password, password_next = line.strip(), False
        elif line.strip().startswith("vk_"):
            key = line.strip()
        elif "contraseña:" in line:
            password_next = True
    if not (key and password):
        raise AssertionError("serve did not print the bootstrap admin key and password")
    return key, password


def _wait_until_up(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz").status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("server did not come up")
