"""Staff rules: a case may only name staff that exist."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy.orm import Session

from vetanco.colaboradores import repository
from vetanco.colaboradores.models import Colaborador
from vetanco.colaboradores.schemas import ColaboradorCreate
from vetanco.errors import ValidationFailed


def crear_colaborador(session: Session, *, data: ColaboradorCreate) -> Colaborador:
    colaborador = Colaborador(**data.model_dump())
    session.add(colaborador)
    session.flush()
    return colaborador


def listar_colaboradores(session: Session) -> list[Colaborador]:
    return repository.all_active(session)


def exigir_colaborador(
    session: Session, *, colaborador_id: uuid.UUID, loc: Sequence[str]
) -> Colaborador:
    """A reference to unknown staff is bad input on that field, not a missing resource."""
    colaborador = repository.get(session, colaborador_id)
    if colaborador is None:
        raise ValidationFailed.field(list(loc), f"no existe un colaborador con id {colaborador_id}")
    return colaborador
