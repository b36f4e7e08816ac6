"""JSON logs with a request id and nothing secret in them; /metrics protected and summed across processes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import structlog
from fastapi.testclient import TestClient

from tests.conftest import Api
from tests.factories import crear_caso
from vetanco.observability import configure_logging, enmascarar


@pytest.fixture
def logs_json(capsys: pytest.CaptureFixture[str]) -> pytest.CaptureFixture[str]:
    configure_logging(level="INFO", json=True)
    capsys.readouterr()
    yield capsys  # type: ignore[misc]
    structlog.reset_defaults()


def _lineas(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    salida = capsys.readouterr().out
    return [json.loads(linea) for linea in salida.splitlines() if linea.startswith("{")]


def test_enmascarar() -> None:
    assert enmascarar("clave vk_AbCdEf123456 usada") == "clave vk_ [redactado] usada"
    webhook = enmascarar("whsec_c2VjcmV0MTIzNDU2")
    assert webhook.startswith("whsec_")
    assert "c2Vj" not in webhook
    assert enmascarar("Authorization: Bearer abc.def.ghi123") == "Authorization: Bearer [redactado]"
    assert enmascarar("CUIT 30-12345678-1") == "CUIT **-******78-1"
    assert enmascarar("cuit 30123456781") == "cuit **-******78-1"
    assert enmascarar("tel +54 9 11 5555-1234") == "tel ***234"
    assert enmascarar("VET-2026-00123 el 2026-11-29") == "VET-2026-00123 el 2026-11-29"


def test_logs_json_con_request_id_y_sin_secretos(
    api: Api, client: TestClient, keys: dict[str, str], logs_json: pytest.CaptureFixture[str]
) -> None:
    numero = crear_caso(api)
    respuesta = client.get(
        f"/api/casos/{numero}",
        headers={"Authorization": f"Bearer {keys['calidad']}", "X-Request-ID": "erp-42.a"},
    )
    assert respuesta.headers["x-request-id"] == "erp-42.a"
    log = structlog.get_logger("prueba")
    log.info(
        "dato sensible",
        telefono="+54 9 11 5555-1234",
        detalle=f"cliente 30-12345678-1 con clave {keys['admin']}",
        secreto="whsec_zzz",
    )
    lineas = _lineas(logs_json)
    salida = json.dumps(lineas)
    for secreto in (keys["admin"], keys["calidad"], "30-12345678-1", "5555-1234", "whsec_zzz"):
        assert secreto not in salida
    acceso = [
        x for x in lineas if x.get("event") == "request" and x.get("request_id") == "erp-42.a"
    ]
    assert acceso, lineas
    assert acceso[0]["actor"] == "apikey:test-calidad"
    assert acceso[0]["route"] == "/api/casos/{numero_caso}"
    assert acceso[0]["status"] == 200
    sensible = next(x for x in lineas if x.get("event") == "dato sensible")
    assert sensible["secreto"] == "[redactado]"
    assert sensible["telefono"] == "***234"


def test_request_id_propio_si_el_recibido_no_sirve(client: TestClient) -> None:
    generado = client.get("/healthz", headers={"X-Request-ID": "mal id con espacios"})
    assert generado.headers["x-request-id"] != "mal id con espacios"
    assert len(generado.headers["x-request-id"]) == 32
    otro = client.get("/healthz")
    assert otro.headers["x-request-id"] != generado.headers["x-request-id"]


def test_metrics_solo_loopback_o_con_token(
    live_server: str, client: TestClient, settings: object
) -> None:
    local = httpx.get(f"{live_server}/metrics")
    assert local.status_code == 200
    assert "vetanco_http_requests_total" in local.text
    assert (
        httpx.get(f"{live_server}/metrics", headers={"X-Forwarded-For": "1.2.3.4"}).status_code
        == 403
    )
    assert client.get("/metrics").status_code == 403


def test_metrics_con_token(api: Api, client: TestClient) -> None:
    from pydantic import SecretStr

    client.app.state.settings.metrics_token = SecretStr("t0ken-de-prometheus")  # type: ignore[attr-defined]
    assert client.get("/metrics", headers={"Authorization": "Bearer otro"}).status_code == 403
    crear_caso(api)
    respuesta = client.get("/metrics", headers={"Authorization": "Bearer t0ken-de-prometheus"})
    assert respuesta.status_code == 200
    assert 'vetanco_casos_creados_total{canal="telefono"}' in respuesta.text
    assert 'route="/api/casos",status="201"' in respuesta.text
    assert "vetanco_http_request_duration_seconds_bucket" in respuesta.text


_INCREMENTAR = """
from vetanco import metricas
for _ in range({n}):
    metricas.CASOS_CREADOS.labels(canal="api").inc()
metricas.registrar_pedido("GET", "/api/casos", 200, 0.01)
"""
_LEER = "from vetanco import metricas; import sys; sys.stdout.write(metricas._texto().decode())"


def test_metricas_sumadas_entre_procesos(tmp_path: Path) -> None:
    env = {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    for n in (3, 4):
        subprocess.run([sys.executable, "-c", _INCREMENTAR.format(n=n)], env=env, check=True)
    texto = subprocess.run(
        [sys.executable, "-c", _LEER], env=env, check=True, capture_output=True, text=True
    ).stdout
    assert 'vetanco_casos_creados_total{canal="api"} 7.0' in texto
    assert 'vetanco_http_requests_total{method="GET",route="/api/casos",status="200"} 2.0' in texto


def test_request_ids_generados_no_se_repiten_ni_entre_procesos_hijos() -> None:
    import os

    from vetanco.middleware import _request_id

    ids = {_request_id({"headers": []}) for _ in range(10_000)}
    assert len(ids) == 10_000
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in ids)
    lectura, escritura = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.write(escritura, _request_id({"headers": []}).encode())
        os._exit(0)
    os.waitpid(pid, 0)
    del_hijo = os.read(lectura, 64).decode()
    padre = _request_id({"headers": []})
    assert del_hijo[:20] != padre[:20]  # a forked API process draws its own prefix
    assert del_hijo not in ids
