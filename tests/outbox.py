"""Reading what the outbox would send: the events a test expects to have been emitted."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from vetanco.db import Database
from vetanco.webhooks.models import OutboxEvent


def eventos(db: Database, nombre: str, *, clave: str | None = None) -> list[dict[str, Any]]:
    with db.transaction(write=False) as session:
        stmt = select(OutboxEvent).where(OutboxEvent.event == nombre)
        rows = session.scalars(stmt.order_by(OutboxEvent.created_at)).all()
        out = [json.loads(r.payload)["data"] for r in rows]
    if clave is not None:
        out = [d for d in out if d.get("numero_caso") == clave]
    return out
