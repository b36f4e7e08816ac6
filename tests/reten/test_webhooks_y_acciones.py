"""Reten webhooks (signature, dedup, partial payloads, stale copies), dropped ones repaired, tasks completed on resolve."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import func, select

from tests.conftest import Api
from tests.factories import crear_caso
from tests.reten.conftest import fast_sleep, reten_settings
from vetanco.app import create_app
from vetanco.config import Settings
from vetanco.db import Database
from vetanco.reten.client import RetenClient
from vetanco.reten.metrics import Metrics
from vetanco.reten.models import RetenEvento, TareaReten
from vetanco.reten.sync import sincronizar
from vetanco.reten.tasks import RetenAcciones, RetenInbox
from vetanco.sim.reten import RetenSim, sign
from vetanco.sim.server import ThreadedServer

SECRET = "reten-webhook-secreto"


@pytest.fixture
def wired(settings: Settings, reten: RetenSim) -> Iterator[tuple[FastAPI, Settings, str]]:
    """Our app behind a real port, with Reten's webhooks registered to it."""
    cfg = reten_settings(settings, reten).model_copy(
        update={"reten_webhook_secret": SecretStr(SECRET)}
    )
    app = create_app(cfg)
    server = ThreadedServer(app, name="vetanco")
    server.start()
    reten.add_webhook(
        f"{server.url}/webhooks/reten", ["task.created", "task.updated", "task.completed"], SECRET
    )
    yield app, cfg, server.url
    server.stop()
    app.state.db.dispose()


def _client(cfg: Settings) -> RetenClient:
    return RetenClient(cfg, metrics=Metrics(), sleep=fast_sleep)


def _events(db: Database) -> int:
    with db.transaction(write=False) as session:
        return int(session.scalar(select(func.count()).select_from(RetenEvento)) or 0)


def _post(url: str, body: bytes, signature: str | None) -> httpx.Response:
    headers = {
        "Content-Type": "application/json",
        **({"X-Reten-Signature": signature} if signature else {}),
    }
    return httpx.post(f"{url}/webhooks/reten", content=body, headers=headers)


def test_signature_is_required_and_duplicates_are_stored_once(
    wired: tuple[FastAPI, Settings, str],
) -> None:
    app, _, url = wired
    body = json.dumps(
        {"event": "task.updated", "timestamp": "2025-01-01T00:00:00Z", "data": {"id": "task_1"}}
    ).encode()
    assert _post(url, body, None).status_code == 401
    assert _post(url, body, "sha256=" + "0" * 64).status_code == 401
    assert _post(url, body, sign(body, "otro")).status_code == 401
    assert _events(app.state.db) == 0
    for _ in range(3):
        ok = _post(url, body, sign(body, SECRET))
        assert ok.status_code == 200
        assert ok.json() == {"status": "ok", "received": True}
    assert _events(app.state.db) == 1
    bad = b'{"event": "task.deleted", "data": {}}'
    assert _post(url, bad, sign(bad, SECRET)).status_code == 400


def test_partial_webhooks_are_completed_and_stale_copies_change_nothing(
    wired: tuple[FastAPI, Settings, str], reten: RetenSim
) -> None:
    app, cfg, url = wired
    db = app.state.db
    task = reten.add_task(title="Visita a Cliente ABC", status="pending")
    reten.update_task(task["id"], status="in_progress")
    reten.wait_deliveries(2)
    inbox = RetenInbox(db, cfg, client=_client(cfg))
    while inbox.run_once():
        pass
    with db.transaction(write=False) as session:
        tarea = session.get(TareaReten, task["id"])
        assert tarea is not None
        assert tarea.status == "in_progress"
        assert tarea.description == reten.snapshot()[task["id"]]["description"]
        current = tarea.remote_updated_at
    stale = {
        **reten.snapshot()[task["id"]],
        "status": "pending",
        "updated_at": "2020-01-01T00:00:00Z",
    }
    body = json.dumps(
        {"event": "task.updated", "timestamp": "2020-01-01T00:00:00Z", "data": stale}
    ).encode()
    assert _post(url, body, sign(body, SECRET)).status_code == 200
    while inbox.run_once():
        pass
    inbox.close()
    with db.transaction(write=False) as session:
        tarea = session.get(TareaReten, task["id"])
        assert tarea is not None
        assert (tarea.status, tarea.remote_updated_at) == ("in_progress", current)


def test_dropped_webhooks_are_repaired_by_the_next_reconcile(
    wired: tuple[FastAPI, Settings, str], reten: RetenSim
) -> None:
    app, cfg, _ = wired
    db = app.state.db
    client = _client(cfg)
    for i in range(30):
        reten.add_task(title=f"Visita {i}")
    sincronizar(db, client, full=True)
    reten.wait_deliveries(30)
    time.sleep(0.2)
    before = _events(db)
    reten.drop_webhooks = 1.0
    changed = sorted(reten.snapshot())[:10]
    for task_id in changed:
        reten.update_task(task_id, status="completed")
    reten.wait_deliveries(40)
    assert _events(db) == before
    resumen = sincronizar(db, client)
    client.close()
    assert resumen.updated == 10
    with db.transaction(write=False) as session:
        mirror = {t.id: t.status for t in session.scalars(select(TareaReten))}
    assert mirror == {t["id"]: t["status"] for t in reten.snapshot().values()}


@dataclass
class Vinculado:
    api: Api
    db: Database
    cfg: Settings
    numero: str
    task: dict[str, Any]


@pytest.fixture
def vinculado(settings: Settings, reten: RetenSim, keys: dict[str, str]) -> Iterator[Vinculado]:
    """A case whose Reten task is already linked in our mirror."""
    cfg = reten_settings(settings, reten)
    app = create_app(cfg)
    db: Database = app.state.db
    with TestClient(app) as client:
        api = Api(client, keys)
        numero = crear_caso(api)
        task = reten.add_task(title=f"Seguimiento reclamo {numero}", status="pending")
        sincronizar(db, _client(cfg), full=True)
        yield Vinculado(api, db, cfg, numero, task)
    db.dispose()


def test_resolving_a_linked_case_completes_its_task_in_reten(
    vinculado: Vinculado, reten: RetenSim
) -> None:
    api, numero, task = vinculado.api, vinculado.numero, vinculado.task
    api.put(f"/api/casos/{numero}/clasificar", json={"tipo_caso": "reclamo", "criticidad": "menor"})
    resolved = api.put(
        f"/api/casos/{numero}/estado", json={"estado": "resuelto", "resolucion": "Lote reemplazado"}
    )
    assert resolved.status_code == 200
    reten.fail_next(503)
    acciones = RetenAcciones(vinculado.db, vinculado.cfg, client=_client(vinculado.cfg))
    acciones.run_once()
    acciones.close()
    assert [(tid, body["status"]) for tid, body in reten.patches] == [(task["id"], "completed")]
    assert "Lote reemplazado" in reten.patches[0][1]["notes"]
    assert reten.snapshot()[task["id"]]["status"] == "completed"
    historial = api.get(f"/api/casos/{numero}/historial").json()["data"]
    assert historial[-1]["accion"] == "tarea_reten_cierre"
    assert "completada" in historial[-1]["motivo"]


def test_completing_a_task_deleted_in_reten_fails_once_and_is_recorded(
    vinculado: Vinculado, reten: RetenSim
) -> None:
    api, numero = vinculado.api, vinculado.numero
    reten.delete_task(vinculado.task["id"])
    api.put(f"/api/casos/{numero}/clasificar", json={"tipo_caso": "queja"})
    api.put(f"/api/casos/{numero}/estado", json={"estado": "resuelto", "resolucion": "Atendido"})
    acciones = RetenAcciones(vinculado.db, vinculado.cfg, client=_client(vinculado.cfg))
    assert acciones.run_once() == 1
    assert acciones.run_once() == 0  # not retried forever
    acciones.close()
    ultimo = api.get(f"/api/casos/{numero}/historial").json()["data"][-1]
    assert ultimo["accion"] == "tarea_reten_cierre"
    assert "ya no existe" in ultimo["motivo"]
