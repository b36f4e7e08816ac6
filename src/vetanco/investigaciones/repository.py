"""Investigation queries."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from vetanco.investigaciones.models import Investigacion


def get(
    session: Session, investigacion_id: uuid.UUID, *, for_update: bool = False
) -> Investigacion | None:
    stmt = select(Investigacion).where(Investigacion.id == investigacion_id)
    if for_update:
        stmt = stmt.with_for_update(of=Investigacion)
    return session.scalars(stmt).unique().first()
