"""WhatsApp queries: the inbox claim, the outbound queue claim, conversations and transcripts."""

from __future__ import annotations

import re
import uuid
from collections.abc import Collection
from datetime import datetime
from functools import cache
from typing import Any, cast

from sqlalchemy import Executable, Select, Table, bindparam, exists, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import BindParameter

from vetanco.casos.models import Caso
from vetanco.whatsapp.models import Conversacion, KapsoEvento, MensajeWhatsapp


def _mismo_telefono(a: str | None, b: str | None) -> bool:
    da, db = re.sub(r"\D", "", a or ""), re.sub(r"\D", "", b or "")
    return bool(da and db) and da[-10:] == db[-10:]


def caso_del_telefono(session: Session, numero_caso: str, *, telefono: str) -> Caso | None:
    """The case, if this phone filed it (or is its client's phone); otherwise as if it did not exist."""
    caso = session.scalars(select(Caso).where(Caso.numero_caso == numero_caso)).unique().first()
    if caso is None:
        return None
    propio = caso.registrado_por == f"whatsapp:+{telefono}" or _mismo_telefono(
        caso.cliente.telefono, telefono
    )
    return caso if propio else None


_EVENTOS = cast(Table, KapsoEvento.__table__)
_INSERT_EVENTO: dict[str, Executable] = {
    "postgresql": postgresql.insert(_EVENTOS).on_conflict_do_nothing(index_elements=["dedup_key"]),
    "sqlite": sqlite.insert(_EVENTOS).on_conflict_do_nothing(index_elements=["dedup_key"]),
}


def insert_eventos(session: Session, filas: list[dict[str, Any]]) -> None:
    """One executemany of a Core statement built once; a known dedup_key is skipped, not an error."""
    session.execute(_INSERT_EVENTO[session.get_bind().dialect.name], filas)


# The worker's per-event selects are built once, on first use (the mappers must be configured):
# constructing one cost up to 15× running it.


@cache
def _claim_evento(*, excluding: bool) -> Select[KapsoEvento]:
    older = aliased(KapsoEvento)
    stmt = (
        select(KapsoEvento)
        .where(
            KapsoEvento.processed_at.is_(None),
            or_(KapsoEvento.retry_at.is_(None), KapsoEvento.retry_at <= bindparam("now")),
            ~exists().where(
                older.telefono == KapsoEvento.telefono,
                older.processed_at.is_(None),
                older.id < KapsoEvento.id,
            ),
        )
        .order_by(KapsoEvento.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if excluding:
        stmt = stmt.where(KapsoEvento.id.not_in(bindparam("excluidos", expanding=True)))
    return stmt


def claim_evento(
    session: Session, *, now: datetime, excluidos: Collection[int] = ()
) -> KapsoEvento | None:
    """The oldest unprocessed event whose phone has no older one pending: per-phone order."""
    if excluidos:  # failures being recorded by another thread: they wait for their retry_at
        stmt = _claim_evento(excluding=True)
        return session.scalars(stmt, {"now": now, "excluidos": list(excluidos)}).first()
    return session.scalars(_claim_evento(excluding=False), {"now": now}).first()


@cache
def _por_telefono() -> Select[Conversacion]:
    return (
        select(Conversacion).where(Conversacion.telefono == bindparam("telefono")).with_for_update()
    )


def conversacion_por_telefono(session: Session, telefono: str) -> Conversacion | None:
    return session.scalars(_por_telefono(), {"telefono": telefono}).first()


def conversacion(session: Session, conversacion_id: uuid.UUID) -> Conversacion | None:
    return session.get(Conversacion, conversacion_id)


def conversaciones_por_id(
    session: Session, ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, Conversacion]:
    """A batch's conversations in one query, not one `get` each."""
    stmt = select(Conversacion).where(Conversacion.id.in_(ids))
    return {c.id: c for c in session.scalars(stmt)} if ids else {}


def mensajes_por_id(session: Session, ids: Collection[int]) -> dict[int, MensajeWhatsapp]:
    """A batch's messages in one query, not one `get` each."""
    stmt = select(MensajeWhatsapp).where(MensajeWhatsapp.id.in_(ids))
    return {m.id: m for m in session.scalars(stmt)} if ids else {}


def conversaciones(session: Session, *, requiere_humano: bool | None) -> list[Conversacion]:
    stmt = select(Conversacion).order_by(Conversacion.updated_at.desc())
    if requiere_humano is not None:
        stmt = stmt.where(Conversacion.requiere_humano.is_(requiere_humano))
    return list(session.scalars(stmt.limit(200)))


def pagina_conversaciones(
    session: Session, *, requiere_humano: bool | None, offset: int, limit: int
) -> tuple[list[Conversacion], int]:
    """One page of the dashboard's list, most recently active first, with the total for the pager."""
    stmt = select(Conversacion)
    if requiere_humano is not None:
        stmt = stmt.where(Conversacion.requiere_humano.is_(requiere_humano))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    orden = (Conversacion.updated_at.desc(), Conversacion.id)
    return list(session.scalars(stmt.order_by(*orden).offset(offset).limit(limit))), total


def mensajes(
    session: Session, *, conversacion_id: uuid.UUID | None = None, caso_id: uuid.UUID | None = None
) -> list[MensajeWhatsapp]:
    stmt = select(MensajeWhatsapp).order_by(MensajeWhatsapp.id)
    if conversacion_id is not None:
        stmt = stmt.where(MensajeWhatsapp.conversacion_id == conversacion_id)
    if caso_id is not None:
        stmt = stmt.where(MensajeWhatsapp.caso_id == caso_id)
    return list(session.scalars(stmt))


def por_wamid(session: Session, wamid: str) -> MensajeWhatsapp | None:
    return session.scalars(select(MensajeWhatsapp).where(MensajeWhatsapp.wamid == wamid)).first()


def vincular_transcript(
    session: Session, *, conversacion_id: uuid.UUID, caso_id: uuid.UUID, desde: datetime
) -> None:
    session.execute(
        update(MensajeWhatsapp)
        .where(
            MensajeWhatsapp.conversacion_id == conversacion_id,
            MensajeWhatsapp.created_at >= desde,
            MensajeWhatsapp.caso_id.is_(None),
        )
        .values(caso_id=caso_id)
    )


@cache
def _claim_salientes() -> Select[MensajeWhatsapp]:
    older = aliased(MensajeWhatsapp)
    now: BindParameter[datetime] = bindparam("now")
    return (
        select(MensajeWhatsapp)
        .where(
            MensajeWhatsapp.direccion == "saliente",
            MensajeWhatsapp.estado == "pendiente",
            or_(
                MensajeWhatsapp.proximo_intento_at.is_(None),
                MensajeWhatsapp.proximo_intento_at <= now,
            ),
            or_(MensajeWhatsapp.lease_until.is_(None), MensajeWhatsapp.lease_until < now),
            ~exists().where(
                older.conversacion_id == MensajeWhatsapp.conversacion_id,
                older.direccion == "saliente",
                older.estado == "pendiente",
                older.id < MensajeWhatsapp.id,
            ),
        )
        .order_by(MensajeWhatsapp.id)
        .limit(bindparam("limit"))
        .with_for_update(skip_locked=True)
    )


def claim_salientes(
    session: Session, *, now: datetime, lease_until: datetime, limit: int
) -> list[MensajeWhatsapp]:
    """Pending outbound messages, one conversation's messages strictly in order."""
    rows = list(session.scalars(_claim_salientes(), {"now": now, "limit": limit}))
    if rows:
        session.execute(
            update(MensajeWhatsapp)
            .where(MensajeWhatsapp.id.in_([m.id for m in rows]))
            .values(lease_until=lease_until)
        )
    return rows
