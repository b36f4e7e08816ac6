"""Client queries, including the per-client case counts of GET /api/clientes."""

from __future__ import annotations

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from vetanco.casos.enums import ESTADOS_ABIERTOS
from vetanco.casos.models import Caso
from vetanco.clientes.models import Cliente
from vetanco.db import AnySelect
from vetanco.text import like_pattern


def by_cuit(session: Session, cuit: str) -> Cliente | None:
    return session.scalars(select(Cliente).where(Cliente.cuit == cuit)).first()


def by_telefono(session: Session, digitos: str) -> Cliente | None:
    stmt = select(Cliente).where(Cliente.telefono_digitos == digitos).order_by(Cliente.created_at)
    return session.scalars(stmt.limit(1)).first()


def search(
    session: Session,
    *,
    cuit: str | None,
    telefono_digitos: str | None,
    texto: str | None,
    offset: int,
    limit: int,
) -> tuple[list[tuple[Cliente, int, int]], int]:
    base: AnySelect = select(Cliente.id)
    if cuit:
        base = base.where(Cliente.cuit == cuit)
    if telefono_digitos:
        base = base.where(Cliente.telefono_digitos.like(f"%{telefono_digitos}"))
    if texto:
        base = base.where(Cliente.busqueda.like(like_pattern(texto), escape="\\"))
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    ids = base.subquery()
    counts = (
        select(
            Caso.cliente_id.label("cliente_id"),
            func.count(Caso.id).label("total"),
            func.sum(case((Caso.estado.in_(ESTADOS_ABIERTOS), 1), else_=0)).label("abiertos"),
        )
        .where(Caso.cliente_id.in_(select(ids.c.id)))
        .group_by(Caso.cliente_id)
        .subquery()
    )
    stmt = (
        select(Cliente, func.coalesce(counts.c.total, 0), func.coalesce(counts.c.abiertos, 0))
        .join(ids, ids.c.id == Cliente.id)
        .outerjoin(counts, counts.c.cliente_id == Cliente.id)
        .order_by(Cliente.razon_social, Cliente.nombre_apellido, Cliente.id)
        .offset(offset)
        .limit(limit)
    )
    rows = [(c, int(t), int(a)) for c, t, a in session.execute(stmt).all()]
    return rows, total
