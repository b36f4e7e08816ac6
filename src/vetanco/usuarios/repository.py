"""Staff-account queries."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vetanco.usuarios.models import Usuario


def por_email(session: Session, email: str) -> Usuario | None:
    return session.scalar(select(Usuario).where(func.lower(Usuario.email) == email.lower()))


def por_id(session: Session, usuario_id: uuid.UUID) -> Usuario | None:
    return session.get(Usuario, usuario_id)


def todos(session: Session) -> list[Usuario]:
    return list(session.scalars(select(Usuario).order_by(Usuario.email)))


def hay_alguno(session: Session) -> bool:
    return session.scalar(select(Usuario.id).limit(1)) is not None
