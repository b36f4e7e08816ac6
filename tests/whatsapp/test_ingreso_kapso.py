"""The Kapso webhook's hot path: group commit, 503 when nothing could be stored, same headers."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY
from pydantic import SecretStr
from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

from vetanco.app import create_app
from vetanco.config import Settings
from vetanco.sim.kapso import KapsoSim
from vetanco.whatsapp.models import KapsoEvento

SECRET = "kapso-secret-de-prueba"


@pytest.fixture
def app(settings: Settings) -> Iterator[FastAPI]:
    app = create_app(settings.model_copy(update={"kapso_webhook_secret": SecretStr(SECRET)}))
    yield app
    app.state.db.dispose()


def _guardados(app: FastAPI) -> int:
    with app.state.db.transaction(write=False) as session:
        return int(session.scalar(select(func.count()).select_from(KapsoEvento)) or 0)


def _por_commit() -> tuple[float, float]:
    cuenta = REGISTRY.get_sample_value("vetanco_kapso_webhooks_por_commit_count") or 0.0
    suma = REGISTRY.get_sample_value("vetanco_kapso_webhooks_por_commit_sum") or 0.0
    return cuenta, suma


def test_concurrent_webhooks_share_commits_and_each_is_stored_once(app: FastAPI) -> None:
    sim = KapsoSim(webhook_secret=SECRET)
    entregas = [sim.text_delivery(f"54911000000{i:02d}", f"reclamo {i}") for i in range(20)]
    entregas += entregas[:5]  # Kapso's retries: same bytes, same idempotency key
    primera = {"hecha": False}

    def demorar_el_primer_commit(session: Session) -> None:
        """Holds the first commit open so the other requests queue behind it, as under load."""
        if not primera["hecha"] and session.info.get("kapso"):
            primera["hecha"] = True
            time.sleep(0.5)

    def marcar(session: Session, _tx: Any, _conn: Any) -> None:
        session.info["kapso"] = True

    async def enviar() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            respuestas = await asyncio.gather(
                *(
                    client.post("/webhooks/kapso", content=e.body, headers=e.headers)
                    for e in entregas
                )
            )
        return [r.status_code for r in respuestas]

    antes = _por_commit()
    event.listen(Session, "after_begin", marcar)
    event.listen(Session, "before_commit", demorar_el_primer_commit)
    try:
        estados = asyncio.run(enviar())
    finally:
        event.remove(Session, "after_begin", marcar)
        event.remove(Session, "before_commit", demorar_el_primer_commit)
    despues = _por_commit()
    assert estados == [200] * 25
    assert _guardados(app) == 20
    commits, webhooks = despues[0] - antes[0], despues[1] - antes[1]
    assert webhooks == 25
    assert commits < 25  # at least one commit carried several webhooks


def test_nothing_stored_is_a_503_kapso_retries_and_the_retry_is_stored_once(
    app: FastAPI,
) -> None:
    entrega = KapsoSim(webhook_secret=SECRET).text_delivery("5491100000001", "hola")
    db = app.state.db
    with TestClient(app) as client:
        with db.transaction() as session:
            session.execute(text("ALTER TABLE kapso_eventos RENAME TO kapso_eventos_fuera"))
        caida = client.post("/webhooks/kapso", content=entrega.body, headers=entrega.headers)
        with db.transaction() as session:
            session.execute(text("ALTER TABLE kapso_eventos_fuera RENAME TO kapso_eventos"))
        db.engine.dispose()
        reintento = client.post("/webhooks/kapso", content=entrega.body, headers=entrega.headers)
    assert caida.status_code == 503
    assert caida.headers["retry-after"] == "5"
    assert caida.json()["error"] == "service_unavailable"
    assert reintento.status_code == 200
    assert _guardados(app) == 1


def test_a_streamed_body_over_the_limit_is_413_json(app: FastAPI) -> None:
    trozo = b"x" * (256 * 1024)
    with TestClient(app) as client:
        respuesta = client.post(
            "/webhooks/kapso",
            content=iter([trozo] * 5),
            headers={"X-Webhook-Signature": "0" * 64},
        )
    assert respuesta.status_code == 413
    assert respuesta.json()["error"] == "payload_too_large"
    assert _guardados(app) == 0


def test_the_hot_path_keeps_request_id_timing_and_route_metrics(app: FastAPI) -> None:
    entrega = KapsoSim(webhook_secret=SECRET).text_delivery("5491100000002", "hola")
    etiquetas = {"method": "POST", "route": "/webhooks/kapso", "status": "200"}
    antes = REGISTRY.get_sample_value("vetanco_http_requests_total", etiquetas) or 0.0
    with TestClient(app) as client:
        respuesta = client.post(
            "/webhooks/kapso",
            content=entrega.body,
            headers={**entrega.headers, "X-Request-ID": "kapso-7"},
        )
        mal_firmado = client.post(
            "/webhooks/kapso",
            content=entrega.body,
            headers={**entrega.headers, "X-Webhook-Signature": "0" * 64},
        )
    assert respuesta.status_code == 200
    assert respuesta.json() == {"status": "ok", "received": True}
    assert respuesta.headers["x-request-id"] == "kapso-7"
    assert respuesta.headers["server-timing"].startswith("app;dur=")
    assert mal_firmado.status_code == 401
    assert mal_firmado.json()["error"] == "unauthorized"
    despues = REGISTRY.get_sample_value("vetanco_http_requests_total", etiquetas)
    assert despues == antes + 1
