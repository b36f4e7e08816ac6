"""The documentation site builds under --strict, and its code samples work against the real code."""

from __future__ import annotations

import base64
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import Api
from vetanco.db import Database, utcnow
from vetanco.webhooks import signing
from vetanco.webhooks.events import Evento
from vetanco.webhooks.models import OutboxEvent

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
SECRETO = signing.new_secret()
CUERPO = json.dumps(
    {"event": "caso.creado", "timestamp": "2025-10-18T10:00:00Z", "data": {"numero_caso": "VET-1"}},
    ensure_ascii=False,
    separators=(",", ":"),
).encode()


def bloque(pagina: str, titulo: str) -> str:
    """The fenced block with that title (tabs indent it; the copy readers get is dedented)."""
    texto = (DOCS / pagina).read_text()
    m = re.search(
        rf'^([ \t]*)```\w+ title="{re.escape(titulo)}"\n(.*?)^\1```$', texto, flags=re.M | re.S
    )
    assert m, f'{pagina} no tiene el bloque title="{titulo}"'
    return textwrap.dedent(m.group(2))


def firmar(
    cuerpo: bytes = CUERPO, *, secretos: list[str] | None = None, hace: float = 0
) -> dict[str, str]:
    return signing.headers(
        msg_id="msg_prueba",
        event="caso.creado",
        timestamp=utcnow() - timedelta(seconds=hace),
        body=cuerpo,
        secrets_=secretos or [SECRETO],
    )


def modulo(codigo: str, nombre: str) -> dict[str, Any]:
    espacio: dict[str, Any] = {"__name__": nombre}
    exec(compile(codigo, nombre, "exec"), espacio)  # noqa: S102 - our own documentation
    return espacio


# --- the site ----------------------------------------------------------------------------------


def test_site_builds_strict(tmp_path: Path) -> None:
    site = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    spec = json.loads((site / "api" / "openapi.json").read_text())
    assert "/api/casos" in spec["paths"]
    assert "/api/webhooks/{endpoint_id}/reenviar" in spec["paths"]
    referencia = (site / "api" / "referencia" / "index.html").read_text()
    assert "/api/casos/{numero_caso}/clasificar" in referencia
    eventos = (site / "webhooks" / "eventos" / "index.html").read_text()
    assert all(e.value in eventos for e in Evento)
    configuracion = (site / "operacion" / "configuracion" / "index.html").read_text()
    assert "VETANCO_WEBHOOK_RETRY_SCHEDULE" in configuracion
    cli = (site / "operacion" / "cli" / "index.html").read_text()
    assert "vetanco reten webhook-register" in cli
    assert not (site / "hooks").exists()


# --- webhook verification samples --------------------------------------------------------------


def test_python_hmac_sample_verifies_our_signatures() -> None:
    ns = modulo(bloque("webhooks/verificar.md", "verificar.py"), "verificar")
    verificar, simple, invalida = ns["verificar"], ns["verificar_simple"], ns["FirmaInvalida"]
    cabeceras = firmar()
    assert verificar(CUERPO, cabeceras, SECRETO)["data"]["numero_caso"] == "VET-1"
    assert simple(CUERPO, cabeceras, SECRETO)["event"] == "caso.creado"
    with pytest.raises(invalida):
        verificar(CUERPO.replace(b"VET-1", b"VET-2"), cabeceras, SECRETO)
    with pytest.raises(invalida):
        simple(CUERPO.replace(b"VET-1", b"VET-2"), cabeceras, SECRETO)
    with pytest.raises(invalida):
        verificar(CUERPO, cabeceras, signing.new_secret())
    with pytest.raises(invalida):
        verificar(CUERPO, firmar(hace=600), SECRETO)
    with pytest.raises(invalida):
        verificar(CUERPO, {k: v for k, v in cabeceras.items() if k != "webhook-id"}, SECRETO)


def test_python_hmac_sample_during_a_rotation() -> None:
    """Both secrets verify webhook-signature; X-Vetanco-Signature only the new one, as documented."""
    ns = modulo(bloque("webhooks/verificar.md", "verificar.py"), "verificar")
    nuevo = signing.new_secret()
    cabeceras = firmar(secretos=[nuevo, SECRETO])
    assert len(cabeceras["webhook-signature"].split()) == 2
    assert ns["verificar"](CUERPO, cabeceras, SECRETO)["event"] == "caso.creado"
    assert ns["verificar"](CUERPO, cabeceras, nuevo)["event"] == "caso.creado"
    assert ns["verificar_simple"](CUERPO, cabeceras, nuevo)["event"] == "caso.creado"
    with pytest.raises(ns["FirmaInvalida"]):
        ns["verificar_simple"](CUERPO, cabeceras, SECRETO)


def test_standardwebhooks_receiver_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VETANCO_WEBHOOK_SECRET", SECRETO)
    ns = modulo(bloque("webhooks/verificar.md", "receptor.py"), "receptor")
    recibidos: list[tuple[str, dict[str, Any]]] = []
    ns["procesar_despues"] = lambda webhook_id, evento: recibidos.append((webhook_id, evento))
    with TestClient(ns["app"]) as client:
        ok = client.post("/webhooks/vetanco", content=CUERPO, headers=firmar())
        mala = client.post("/webhooks/vetanco", content=CUERPO + b" ", headers=firmar())
    assert ok.status_code == 204
    assert mala.status_code == 401
    assert recibidos == [("msg_prueba", json.loads(CUERPO))]


def _node(
    codigo: str, tmp_path: Path, cuerpo: bytes, cabeceras: dict[str, str], secreto: str
) -> str:
    (tmp_path / "verificar.mjs").write_text(codigo)
    (tmp_path / "correr.mjs").write_text(
        "import { verificar } from './verificar.mjs';\n"
        "const [cuerpo, cabeceras, secreto] = JSON.parse(process.argv[2]);\n"
        "try { console.log(JSON.stringify(verificar(Buffer.from(cuerpo, 'base64'), cabeceras, secreto))); }\n"
        "catch (e) { console.log('ERROR ' + e.message); }\n"
    )
    lowered = {k.lower(): v for k, v in cabeceras.items()}
    arg = json.dumps([base64.b64encode(cuerpo).decode(), lowered, secreto])
    result = subprocess.run(
        ["node", "correr.mjs", arg],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return result.stdout.strip()


@pytest.mark.skipif(shutil.which("node") is None, reason="node no está instalado")
def test_node_sample_verifies_our_signatures(tmp_path: Path) -> None:
    codigo = bloque("webhooks/verificar.md", "verificar.mjs")
    nuevo = signing.new_secret()
    rotando = firmar(secretos=[nuevo, SECRETO])
    assert json.loads(_node(codigo, tmp_path, CUERPO, firmar(), SECRETO)) == json.loads(CUERPO)
    assert json.loads(_node(codigo, tmp_path, CUERPO, rotando, SECRETO)) == json.loads(CUERPO)
    assert json.loads(_node(codigo, tmp_path, CUERPO, rotando, nuevo)) == json.loads(CUERPO)
    assert _node(codigo, tmp_path, CUERPO + b" ", firmar(), SECRETO).startswith("ERROR")
    assert _node(codigo, tmp_path, CUERPO, firmar(hace=600), SECRETO).startswith("ERROR")


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl no está instalado")
def test_openssl_sample_matches_our_headers(tmp_path: Path) -> None:
    cabeceras = firmar()
    (tmp_path / "cuerpo.json").write_bytes(CUERPO)
    env = {
        **os.environ,
        "SECRETO": SECRETO,
        "WEBHOOK_ID": cabeceras["webhook-id"],
        "WEBHOOK_TIMESTAMP": cabeceras["webhook-timestamp"],
    }
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", bloque("webhooks/verificar.md", "verificar.sh")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    standard, simple = result.stdout.split()
    assert cabeceras["webhook-signature"] == f"v1,{standard}"
    assert cabeceras["X-Vetanco-Signature"] == f"sha256={simple}"


# --- pages checked against a running server ----------------------------------------------------


def test_getting_started_calls_work(live_server: str, api: Api) -> None:
    env = {**os.environ, "API": live_server, "VETANCO_API_KEY": api.keys["admin"]}
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", bloque("empezar.md", "primera-llamada.sh")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert '"error"' not in result.stdout, result.stdout
    listado = api.get("/api/casos").json()
    assert listado["pagination"]["total"] == 1
    assert listado["data"][0]["producto"]["lote"] == "ABC123"


def _datos_eventos() -> ModuleType:
    spec = importlib.util.spec_from_file_location("datos_eventos", DOCS / "hooks/datos_eventos.py")
    assert spec
    assert spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_documented_event_data_matches_what_the_code_emits(api: Api, db: Database) -> None:
    """A case's whole life emits its events; each `data` has exactly the documented fields."""
    colaborador = api.post(
        "/api/colaboradores", json={"nombre": "Dr. Carlos López", "cargo": "Investigador"}
    ).json()["colaborador"]["id"]
    caso = api.post(
        "/api/casos",
        json={
            "tipo_usuario_registro": "cliente",
            "cliente": {"nombre_apellido": "Juan Pérez", "cuit": "30-12345678-1"},
            "producto": {"nombre_producto": "Vetancilina 100ml", "numero_lote": "ABC123"},
            "descripcion": {"que_sucedio": "El frasco llegó roto"},
        },
    ).json()["caso"]["numero_caso"]
    pasos = [
        ("put", f"/api/casos/{caso}/clasificar", {"tipo_caso": "reclamo", "criticidad": "menor"}),
        ("post", f"/api/casos/{caso}/investigacion", {"investigador_id": colaborador}),
    ]
    for metodo, ruta, cuerpo in pasos:
        assert getattr(api, metodo)(ruta, json=cuerpo).status_code < 300, ruta
    investigacion = api.get(f"/api/casos/{caso}").json()["caso"]["investigacion"]["id"]
    for metodo, ruta, cuerpo in [
        ("put", f"/api/investigaciones/{investigacion}", {"causa_raiz": "Golpe en el transporte"}),
        ("put", f"/api/casos/{caso}/estado", {"estado": "resuelto", "resolucion": "Reposición"}),
        ("put", f"/api/casos/{caso}/estado", {"estado": "cerrado"}),
    ]:
        assert getattr(api, metodo)(ruta, json=cuerpo).status_code < 300, ruta
    with db.transaction() as session:
        emitidos = {e.event: json.loads(e.payload) for e in session.scalars(select(OutboxEvent))}
    documentados = _datos_eventos().EVENTOS
    esperados = {
        "caso.creado",
        "caso.clasificado",
        "caso.estado_actualizado",
        "caso.resuelto",
        "caso.cerrado",
        "investigacion.iniciada",
        "investigacion.actualizada",
    }
    assert esperados <= set(emitidos)
    for nombre, cuerpo in emitidos.items():
        assert set(cuerpo) == {"event", "timestamp", "data"}
        assert set(cuerpo["data"]) == set(documentados[nombre]["data"]), nombre
