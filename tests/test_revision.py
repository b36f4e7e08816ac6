"""Regressions found in review: Retry-After dates without a zone, Reten token fetch failures, deleted tasks."""

from __future__ import annotations

import pytest
from pydantic import SecretStr
from sqlalchemy import select

from vetanco.config import Settings
from vetanco.db import Database, utcnow
from vetanco.reten.client import RetenClient, RetenError
from vetanco.webhooks.tasks import _retry_after
from vetanco.whatsapp.models import KapsoEvento


def test_retry_after_http_date_with_minus_zero_zone_is_understood() -> None:
    wait = _retry_after("Wed, 21 Oct 2099 07:28:00 -0000", utcnow())
    assert wait is not None
    assert wait > 0


def test_failed_token_fetch_does_not_leave_a_tokenless_client(settings: Settings) -> None:
    cfg = settings.model_copy(
        update={
            "reten_base_url": "http://127.0.0.1:9/v1",
            "reten_client_id": "x",
            "reten_client_secret": SecretStr("y"),
            "reten_max_retries": 0,
        }
    )
    client = RetenClient(cfg, sleep=lambda _s: None)
    for _ in range(2):
        with pytest.raises(RetenError) as caught:
            client.request("GET", "/tasks")
        assert caught.value.kind == "auth"
        assert client._oauth is None
    client.close()


def test_failing_whatsapp_event_backs_off_before_retrying(
    db: Database, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vetanco.whatsapp import bot
    from vetanco.whatsapp.entrantes import Entrante
    from vetanco.whatsapp.service import almacenar
    from vetanco.whatsapp.tasks import InboundProcessor

    def boom(*_a: object, **_k: object) -> None:
        raise RuntimeError("fallo transitorio")

    monkeypatch.setattr(bot, "atender", boom)
    entrante = Entrante(
        tipo="mensaje",
        formato="kapso",
        evento="x",
        message_id="wamid.z",
        telefono="5491100000000",
        texto="hola",
    )
    with db.transaction() as session:
        almacenar(session, entrantes=[entrante], idempotency_key=None)
    processor = InboundProcessor(db, settings)
    processor.run_once()
    processor.run_once()
    with db.transaction(write=False) as session:
        evento = session.scalars(select(KapsoEvento)).one()
        assert evento.attempts == 1  # the second turn waited for retry_at
        assert evento.processed_at is None
        assert evento.retry_at is not None
        assert evento.retry_at > utcnow()
