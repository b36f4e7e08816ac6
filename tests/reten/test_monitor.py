"""The spec's alerts raise and clear (logged and sent as integracion.alerta); the mode follows webhook health."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from tests.conftest import Api
from vetanco.db import Database
from vetanco.reten.metrics import Metrics
from vetanco.reten.models import RetenEstado
from vetanco.reten.monitor import actualizar_modo, alertas_activas, evaluar_alertas
from vetanco.webhooks.models import OutboxEvent


def _alert_events(db: Database) -> list[dict[str, object]]:
    with db.transaction(write=False) as session:
        rows = session.scalars(
            select(OutboxEvent)
            .where(OutboxEvent.event == "integracion.alerta")
            .order_by(OutboxEvent.created_at)
        )
        return [json.loads(r.payload)["data"] for r in rows]


def test_api_down_latency_and_rate_limit_alerts_raise_and_clear(db: Database) -> None:
    metrics = Metrics()
    for _ in range(6):
        metrics.record(ok=False, status=500, latency_ms=2500, kind="server")
    metrics.rate_limit_limit, metrics.rate_limit_remaining = 100, 3
    with db.transaction() as session:
        raised = evaluar_alertas(session, metrics=metrics)
    assert sorted(raised) == ["api_caida", "cerca_del_limite", "latencia_alta"]
    with db.transaction() as session:
        assert evaluar_alertas(session, metrics=metrics) == []  # no repeated alerts
        assert {a["tipo"] for a in alertas_activas(session)} == {
            "api_caida",
            "cerca_del_limite",
            "latencia_alta",
        }
    fresh = Metrics()
    fresh.record(ok=True, status=200, latency_ms=40, kind="ok")
    fresh.rate_limit_limit, fresh.rate_limit_remaining = 100, 90
    with db.transaction() as session:
        cleared = evaluar_alertas(session, metrics=fresh)
        assert alertas_activas(session) == []
    assert sorted(cleared) == ["api_caida", "cerca_del_limite", "latencia_alta"]
    events = _alert_events(db)
    assert [(e["alerta"], e["estado"]) for e in events if e["alerta"] == "api_caida"] == [
        ("api_caida", "activa"),
        ("api_caida", "resuelta"),
    ]


def test_mode_falls_back_when_webhooks_miss_changes_and_recovers(db: Database) -> None:
    with db.transaction() as session:
        st = RetenEstado(id=1, webhook_id="wh_1", webhooks_aplicados=2)
        session.add(st)
        actualizar_modo(st, perdidos=8)
        assert (st.modo, st.tasa_fallos_webhooks) == ("polling_fallback", 0.8)
        evaluar_alertas(session, metrics=Metrics())
        assert [a["tipo"] for a in alertas_activas(session)] == ["fallos_webhooks"]
        st.webhooks_aplicados = 50
        actualizar_modo(st, perdidos=1)
        assert st.modo == "webhooks"
        evaluar_alertas(session, metrics=Metrics())
        assert alertas_activas(session) == []


def test_status_endpoint_shows_mode_and_alerts(api: Api, db: Database, settings: object) -> None:
    with db.transaction() as session:
        session.add(
            RetenEstado(id=1, webhook_id="wh_1", modo="polling_fallback", tasa_fallos_webhooks=0.3)
        )
        evaluar_alertas(session, metrics=Metrics())
    body = api.get("/api/reten/estado").json()
    assert body["modo"] == "apagado"  # no base URL in this app: the connector says it is off
    assert body["alertas"][0]["tipo"] == "fallos_webhooks"
    assert body["tasa_fallos_webhooks"] == 0.3


def test_worker_poller_walks_page_by_page_and_status_reports_polling(
    settings: object, db: Database, keys: dict[str, str]
) -> None:
    """The background poller interleaves one page per turn and the status endpoint reports the mode."""
    from fastapi.testclient import TestClient

    from tests.reten.conftest import reten_settings
    from vetanco.app import create_app
    from vetanco.config import Settings
    from vetanco.reten.models import TareaReten
    from vetanco.reten.tasks import RetenPoller
    from vetanco.sim.reten import RetenSim

    assert isinstance(settings, Settings)
    sim = RetenSim(tasks=250, seed=2).start()
    cfg = reten_settings(settings, sim)
    poller = RetenPoller(db, cfg)
    try:
        turns = 0
        while poller.run_once():
            turns += 1
        assert turns == 4  # three pages of 100, then the closing step of the walk
        assert poller.run_once() == 0  # nothing until the next interval
        with db.transaction(write=False) as session:
            assert session.scalar(select(func.count()).select_from(TareaReten)) == 250
        app = create_app(cfg)
        with TestClient(app) as client:
            body = Api(client, keys).get("/api/reten/estado").json()
        app.state.db.dispose()
        assert body["modo"] == "polling"
        assert body["tareas_en_espejo"] == 250
        assert body["ultima_reconciliacion_completa"] is not None
    finally:
        poller.close()
        sim.stop()
