"""The grouped queries behind the statistics, shared by the daily totals and the live remainder.

Each builder groups by UTC day and takes the cases it covers as a WHERE clause: the daily totals
run it over the days they recompute, the live read over the days the totals don't cover yet.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Float,
    Select,
    and_,
    case,
    cast,
    distinct,
    extract,
    false,
    func,
    literal_column,
    or_,
    select,
)

from vetanco.casos.enums import Criticidad, TipoCaso
from vetanco.casos.models import Caso, ProductoAfectado
from vetanco.sla.models import RelojCaso
from vetanco.sla.service import SLA


def dia_utc(dialect: str) -> ColumnElement[Any]:
    """The UTC calendar day a case was created on, as each database spells it."""
    if dialect == "postgresql":
        return cast(func.timezone(literal_column("'UTC'"), Caso.created_at), Date)
    return func.date(Caso.created_at)


def como_fecha(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def inicio_dia(dia: date) -> datetime:
    return datetime(dia.year, dia.month, dia.day, tzinfo=UTC)


def en_dias(dias: list[date]) -> ColumnElement[bool]:
    """Cases created on any of these UTC days, as index-friendly ranges of consecutive days."""
    if not dias:
        return false()
    tramos: list[tuple[date, date]] = []
    for dia in sorted(set(dias)):
        if tramos and tramos[-1][1] == dia:
            tramos[-1] = (tramos[-1][0], dia + timedelta(days=1))
        else:
            tramos.append((dia, dia + timedelta(days=1)))
    return or_(
        *(
            and_(Caso.created_at >= inicio_dia(a), Caso.created_at < inicio_dia(b))
            for a, b in tramos
        )
    )


def _horas(dialect: str) -> ColumnElement[Any]:
    if dialect == "postgresql":
        return extract("epoch", Caso.resuelto_at - Caso.created_at) / 3600.0
    return (func.julianday(Caso.resuelto_at) - func.julianday(Caso.created_at)) * 24.0


def casos(dialect: str, filtro: ColumnElement[bool]) -> Select[Any]:
    """(día, tipo, criticidad or '', estado, casos, resueltos, horas de resolución sumadas)."""
    dia = dia_utc(dialect)
    criticidad = func.coalesce(Caso.criticidad, "")
    return (
        select(
            dia,
            Caso.tipo_caso,
            criticidad,
            Caso.estado,
            func.count(),
            func.count(Caso.resuelto_at),
            func.coalesce(func.sum(cast(_horas(dialect), Float)), 0.0),
        )
        .where(filtro)
        .group_by(dia, Caso.tipo_caso, criticidad, Caso.estado)
    )


def productos(dialect: str, filtro: ColumnElement[bool]) -> Select[Any]:
    """(día, producto_clave, nombre, reclamos); a case naming a product twice counts once."""
    dia = dia_utc(dialect)
    return (
        select(
            dia,
            ProductoAfectado.producto_clave,
            func.min(ProductoAfectado.nombre_producto),
            func.count(distinct(Caso.id)),
        )
        .join(Caso, Caso.id == ProductoAfectado.caso_id)
        .where(filtro, Caso.tipo_caso == TipoCaso.reclamo.value)
        .group_by(dia, ProductoAfectado.producto_clave)
    )


def lotes(dialect: str, filtro: ColumnElement[bool]) -> Select[Any]:
    """(día, producto_clave, LOTE, nombre, reclamos, críticos)."""
    dia = dia_utc(dialect)
    lote = func.upper(ProductoAfectado.numero_lote)
    critico = case((Caso.criticidad == Criticidad.critico.value, Caso.id))
    return (
        select(
            dia,
            ProductoAfectado.producto_clave,
            lote,
            func.min(ProductoAfectado.nombre_producto),
            func.count(distinct(Caso.id)),
            func.count(distinct(critico)),
        )
        .join(Caso, Caso.id == ProductoAfectado.caso_id)
        .where(
            filtro,
            Caso.tipo_caso == TipoCaso.reclamo.value,
            ProductoAfectado.numero_lote.is_not(None),
        )
        .group_by(dia, ProductoAfectado.producto_clave, lote)
    )


def sla_detenidos(dialect: str, filtro: ColumnElement[bool]) -> Select[Any]:
    """(día, reloj, a tiempo, tarde) of the stopped clocks; a stopped clock never changes again."""
    dia = dia_utc(dialect)
    r = RelojCaso
    return (
        select(
            dia,
            r.tipo,
            func.sum(case((r.cumplido_at <= r.vence, 1), else_=0)),
            func.sum(case((r.cumplido_at > r.vence, 1), else_=0)),
        )
        .join(Caso, Caso.id == r.caso_id)
        .where(filtro, r.tipo.in_(SLA), r.cumplido_at.is_not(None))
        .group_by(dia, r.tipo)
    )


def sla_en_curso(
    *, desde: datetime | None, hasta: datetime | None, ahora: datetime
) -> Select[str, Any]:
    """(reloj, vencidos) of the running clocks, which depend on the time of the query.

    A clock starts when its case is created, so the period filters on the clock alone. `vencido`
    restricted to running clocks, so the partial index of open clocks answers it alone.
    """
    r = RelojCaso
    pasado = or_(
        and_(r.pausado_desde.is_(None), r.vence <= ahora),
        and_(r.pausado_desde.is_not(None), r.vence <= r.pausado_desde),
    )
    stmt = (
        select(r.tipo, func.sum(case((pasado, 1), else_=0)))
        .where(r.tipo.in_(SLA), r.cumplido_at.is_(None))
        .group_by(r.tipo)
    )
    if desde is not None:
        stmt = stmt.where(r.inicio >= desde)
    if hasta is not None:
        stmt = stmt.where(r.inicio < hasta)
    return stmt
