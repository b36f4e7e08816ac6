"""Catalogue queries."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from vetanco.productos.models import Producto


def by_codigo(session: Session, codigo: str) -> Producto | None:
    return session.scalars(select(Producto).where(Producto.codigo == codigo)).first()


def by_clave(session: Session, clave: str) -> Producto | None:
    return session.scalars(select(Producto).where(Producto.clave == clave)).first()


def nombres_activos(session: Session) -> list[str]:
    stmt = select(Producto).where(Producto.activo.is_(True)).order_by(Producto.clave)
    return [p.nombre_completo for p in session.scalars(stmt)]


def contar(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(Producto)) or 0)


def desactivar_salvo(session: Session, *, conservar: set[uuid.UUID]) -> int:
    """Retire every active product not in `conservar`; returns how many were retired."""
    activos = set(session.scalars(select(Producto.id).where(Producto.activo.is_(True))))
    retirar = activos - conservar
    for tanda in _tandas(sorted(retirar), 500):
        session.execute(update(Producto).where(Producto.id.in_(tanda)).values(activo=False))
    return len(retirar)


def _tandas(ids: list[uuid.UUID], n: int) -> list[list[uuid.UUID]]:
    return [ids[i : i + n] for i in range(0, len(ids), n)]
