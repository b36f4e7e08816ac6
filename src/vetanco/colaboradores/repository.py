"""Staff queries."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from vetanco.colaboradores.models import Colaborador


def get(session: Session, colaborador_id: uuid.UUID) -> Colaborador | None:
    return session.get(Colaborador, colaborador_id)


def all_active(session: Session) -> list[Colaborador]:
    stmt = select(Colaborador).where(Colaborador.activo.is_(True)).order_by(Colaborador.nombre)
    return list(session.scalars(stmt))
