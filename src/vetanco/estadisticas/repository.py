"""Aggregate queries; resolution time is computed in SQL on both SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Date,
    Float,
    case,
    cast,
    distinct,
    extract,
    func,
    literal_column,
    select,
)
from sqlalchemy.orm import Session

from vetanco.casos.enums import Criticidad, TipoCaso
from vetanco.casos.models import Caso, ProductoAfectado
from vetanco.db import AnySelect


def _periodo(stmt: AnySelect, desde: datetime | None, hasta: datetime | None) -> AnySelect:
    if desde is not None:
        stmt = stmt.where(Caso.created_at >= desde)
    if hasta is not None:
        stmt = stmt.where(Caso.created_at < hasta)
    return stmt


def contar_por(
    session: Session,
    column: Any,
    *,
    desde: datetime | None,
    hasta: datetime | None,
    solo_reclamos: bool = False,
) -> dict[str, int]:
    stmt = _periodo(select(column, func.count(Caso.id)).group_by(column), desde, hasta)
    if solo_reclamos:
        stmt = stmt.where(Caso.tipo_caso == TipoCaso.reclamo.value)
    return {str(k): int(v) for k, v in session.execute(stmt).all() if k is not None}


def _horas(session: Session) -> ColumnElement[Any]:
    if session.get_bind().dialect.name == "postgresql":
        return extract("epoch", Caso.resuelto_at - Caso.created_at) / 3600.0
    return (func.julianday(Caso.resuelto_at) - func.julianday(Caso.created_at)) * 24.0


def horas_promedio_resolucion(
    session: Session, *, desde: datetime | None, hasta: datetime | None
) -> dict[str, float]:
    stmt = (
        select(Caso.criticidad, func.avg(cast(_horas(session), Float)))
        .where(Caso.tipo_caso == TipoCaso.reclamo.value, Caso.resuelto_at.is_not(None))
        .group_by(Caso.criticidad)
    )
    stmt = _periodo(stmt, desde, hasta)
    return {
        str(k): float(v) for k, v in session.execute(stmt).all() if k is not None and v is not None
    }


def top_productos(
    session: Session, *, desde: datetime | None, hasta: datetime | None, limit: int
) -> list[tuple[str, int]]:
    total = func.count(distinct(Caso.id))
    stmt = (
        select(func.min(ProductoAfectado.nombre_producto), total)
        .join(Caso, Caso.id == ProductoAfectado.caso_id)
        .where(Caso.tipo_caso == TipoCaso.reclamo.value)
        .group_by(ProductoAfectado.producto_clave)
        .order_by(total.desc(), func.min(ProductoAfectado.nombre_producto))
        .limit(limit)
    )
    return [(str(n), int(c)) for n, c in session.execute(_periodo(stmt, desde, hasta)).all()]


def top_lotes(
    session: Session, *, desde: datetime | None, hasta: datetime | None, limit: int
) -> list[tuple[str, str, int]]:
    total = func.count(distinct(Caso.id))
    lote = func.upper(ProductoAfectado.numero_lote)
    stmt = (
        select(func.min(ProductoAfectado.nombre_producto), lote, total)
        .join(Caso, Caso.id == ProductoAfectado.caso_id)
        .where(Caso.tipo_caso == TipoCaso.reclamo.value, ProductoAfectado.numero_lote.is_not(None))
        .group_by(ProductoAfectado.producto_clave, lote)
        .order_by(total.desc(), lote)
        .limit(limit)
    )
    return [
        (str(n), str(lt), int(c))
        for n, lt, c in session.execute(_periodo(stmt, desde, hasta)).all()
    ]


def lotes_con_criticos(
    session: Session, *, desde: datetime | None, hasta: datetime | None, limit: int
) -> list[tuple[str, str, str, int, int]]:
    """(producto_clave, nombre, lote, reclamos, críticos) of the lots with most reclamos."""
    total = func.count(distinct(Caso.id))
    criticos = func.count(distinct(case((Caso.criticidad == Criticidad.critico.value, Caso.id))))
    lote = func.upper(ProductoAfectado.numero_lote)
    stmt = (
        select(
            ProductoAfectado.producto_clave,
            func.min(ProductoAfectado.nombre_producto),
            lote,
            total,
            criticos,
        )
        .join(Caso, Caso.id == ProductoAfectado.caso_id)
        .where(Caso.tipo_caso == TipoCaso.reclamo.value, ProductoAfectado.numero_lote.is_not(None))
        .group_by(ProductoAfectado.producto_clave, lote)
        .order_by(total.desc(), criticos.desc(), lote)
        .limit(limit)
    )
    return [
        (str(k), str(n), str(lt), int(t), int(c))
        for k, n, lt, t, c in session.execute(_periodo(stmt, desde, hasta)).all()
    ]


def casos_por_dia(
    session: Session, *, desde: datetime | None, hasta: datetime | None
) -> list[tuple[date, str, int]]:
    """(día UTC, tipo_caso, casos) in one GROUP BY, so charts over time never load the cases."""
    if session.get_bind().dialect.name == "postgresql":
        dia: ColumnElement[Any] = cast(
            func.timezone(literal_column("'UTC'"), Caso.created_at), Date
        )
    else:
        dia = func.date(Caso.created_at)
    stmt = select(dia, Caso.tipo_caso, func.count(Caso.id)).group_by(dia, Caso.tipo_caso)
    return [
        (d if isinstance(d, date) else date.fromisoformat(str(d)[:10]), str(t), int(n))
        for d, t, n in session.execute(_periodo(stmt, desde, hasta)).all()
        if d is not None
    ]
