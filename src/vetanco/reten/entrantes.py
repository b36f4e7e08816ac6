"""Reten webhooks: X-Reten-Signature on the raw bytes, a durable inbox, then applied by the worker."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from vetanco.db import after_commit, utcnow
from vetanco.reten.client import RetenClient
from vetanco.reten.models import RetenEvento, TareaReten
from vetanco.reten.sync import aplicar, estado
from vetanco.wake import wake_dispatcher

EVENTOS = ("task.created", "task.updated", "task.completed")


class FirmaInvalida(Exception):
    """401."""


class CuerpoInvalido(ValueError):
    """400."""


def verificar(*, body: bytes, signature: str | None, secret: str | None) -> None:
    if not secret or not signature or not signature.startswith("sha256="):
        raise FirmaInvalida("falta la firma X-Reten-Signature")
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature.strip()):
        raise FirmaInvalida("firma inválida")


def parse(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise CuerpoInvalido("el cuerpo no es JSON") from exc
    if (
        not isinstance(data, dict)
        or data.get("event") not in EVENTOS
        or not isinstance(data.get("data"), dict)
    ):
        raise CuerpoInvalido("se esperaba {event: task.*, timestamp, data: {id, …}}")
    if not data["data"].get("id"):
        raise CuerpoInvalido("data.id es obligatorio")
    return data


def almacenar(session: Session, *, body: bytes, data: dict[str, Any]) -> bool:
    """The same delivery twice is stored once (keyed by the hash of its bytes)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    stmt = (
        insert(RetenEvento)
        .values(
            dedup_key=hashlib.sha256(body).hexdigest(),
            event=data["event"],
            task_id=str(data["data"]["id"]),
            payload=data,
            received_at=utcnow(),
            attempts=0,
        )
        .on_conflict_do_nothing(index_elements=["dedup_key"])
    )
    nuevo = bool(getattr(session.execute(stmt), "rowcount", 0))
    if nuevo:
        after_commit(session, wake_dispatcher)
    return nuevo


COMPLETE_FIELDS = ("id", "title", "status", "updated_at", "created_at")


def pendiente(session: Session) -> RetenEvento | None:
    stmt = (
        select(RetenEvento)
        .where(RetenEvento.processed_at.is_(None))
        .order_by(RetenEvento.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    return session.scalars(stmt).first()


def completar(client: RetenClient, data: dict[str, Any]) -> dict[str, Any] | None:
    """A webhook with only part of the task is completed with GET /tasks/{id} (None: it is gone)."""
    if all(data.get(f) for f in COMPLETE_FIELDS):
        return data
    return client.get_task(str(data["id"]))


def aplicar_evento(session: Session, *, evento: RetenEvento, tarea: dict[str, Any] | None) -> str:
    if tarea is None:
        existente = session.get(TareaReten, evento.task_id)
        if existente is not None and existente.vanished_at is None:
            existente.vanished_at = utcnow()
        outcome = "vanished"
    else:
        outcome = aplicar(session, tarea)
    evento.processed_at = utcnow()
    evento.attempts += 1
    st = estado(session)
    st.last_webhook_at = utcnow()
    if outcome in ("created", "updated"):
        st.webhooks_aplicados = (st.webhooks_aplicados or 0) + 1
    return outcome
