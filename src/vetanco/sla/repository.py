"""Clock queries: which cases are overdue or at risk, and which alerts are still owed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, not_, or_, select
from sqlalchemy.orm import Session

from vetanco.casos.models import Caso
from vetanco.sla.models import RelojCaso

SLA = ("primera_respuesta", "resolucion")
REPORTE = "reporte_regulatorio"


def vencido(ahora: datetime) -> ColumnElement[bool]:
    """Met late, running past the deadline, or paused after it had already passed."""
    r = RelojCaso
    return or_(
        and_(r.cumplido_at.is_not(None), r.cumplido_at > r.vence),
        and_(r.cumplido_at.is_(None), r.pausado_desde.is_(None), r.vence <= ahora),
        and_(r.cumplido_at.is_(None), r.pausado_desde.is_not(None), r.vence <= r.pausado_desde),
    )


def en_riesgo(ahora: datetime) -> ColumnElement[bool]:
    r = RelojCaso
    return and_(
        r.cumplido_at.is_(None),
        r.pausado_desde.is_(None),
        r.riesgo_desde <= ahora,
        r.vence > ahora,
    )


def filtro_sla(valor: str, ahora: datetime) -> ColumnElement[bool]:
    """On the case's stored summary of its clocks (sla.resumen), so it is an indexed filter."""
    vencido_ = or_(Caso.sla_incumplido, Caso.sla_vence <= ahora)
    if valor == "vencido":
        return vencido_
    return and_(not_(vencido_), Caso.sla_riesgo_desde <= ahora)


def alertas_vencido(session: Session, *, ahora: datetime, limit: int) -> list[RelojCaso]:
    """Overdue clocks (SLA or legal) whose caso.sla_vencido has not been sent yet."""
    stmt = (
        select(RelojCaso)
        .where(RelojCaso.alerta_vencido_at.is_(None), vencido(ahora))
        .order_by(RelojCaso.vence)
        .limit(limit)
    )
    return list(session.scalars(_skip_locked(session, stmt)))


def alertas_reporte(session: Session, *, ahora: datetime, limit: int) -> list[RelojCaso]:
    stmt = (
        select(RelojCaso)
        .where(
            RelojCaso.tipo == REPORTE,
            RelojCaso.cumplido_at.is_(None),
            RelojCaso.alerta_riesgo_at.is_(None),
            RelojCaso.riesgo_desde <= ahora,
        )
        .order_by(RelojCaso.vence)
        .limit(limit)
    )
    return list(session.scalars(_skip_locked(session, stmt)))


def _skip_locked(session: Session, stmt: Select[Any]) -> Select[Any]:
    if session.get_bind().dialect.name == "postgresql":
        return stmt.with_for_update(skip_locked=True)
    return stmt


def cumplimiento(
    session: Session, *, desde: datetime | None, hasta: datetime | None, ahora: datetime
) -> dict[str, tuple[int, int]]:
    """Per SLA clock: (met in time, breached) over the cases created in the period."""
    r = RelojCaso
    a_tiempo = and_(r.cumplido_at.is_not(None), r.cumplido_at <= r.vence)
    stmt = (
        select(
            r.tipo,
            func.sum(case((a_tiempo, 1), else_=0)),
            func.sum(case((vencido(ahora), 1), else_=0)),
        )
        .join(Caso, Caso.id == r.caso_id)
        .where(r.tipo.in_(SLA))
        .group_by(r.tipo)
    )
    if desde is not None:
        stmt = stmt.where(Caso.created_at >= desde)
    if hasta is not None:
        stmt = stmt.where(Caso.created_at < hasta)
    out = dict.fromkeys(SLA, (0, 0))
    for tipo, ok, ko in session.execute(stmt):
        out[tipo] = (int(ok or 0), int(ko or 0))
    return out
