"""Catalogue rules: a code identifies a product; without one, its name and presentation do."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from vetanco.casos.models import ProductoAfectado
from vetanco.productos import repository
from vetanco.productos.models import Producto
from vetanco.productos.schemas import ProductoFila

CAMPOS = (
    "codigo",
    "nombre",
    "presentacion",
    "principio_activo",
    "especies",
    "registro_senasa",
    "activo",
)


class ClaveOcupada(Exception):
    """The row's name and presentation already belong to a product with another code."""

    def __init__(self, otro: Producto) -> None:
        super().__init__(otro.codigo or otro.nombre_completo)
        self.otro = otro


def guardar(session: Session, *, fila: ProductoFila) -> tuple[Producto, bool, bool]:
    """Upsert one product; returns it, whether it is new and whether anything changed."""
    producto = repository.by_codigo(session, fila.codigo) if fila.codigo else None
    por_nombre = repository.by_clave(session, fila.clave)
    if producto is None:
        producto = por_nombre
    elif por_nombre is not None and por_nombre.id != producto.id:
        raise ClaveOcupada(por_nombre)
    if producto is not None and fila.codigo and producto.codigo not in (None, fila.codigo):
        raise ClaveOcupada(producto)
    nuevo = producto is None
    if producto is None:
        producto = Producto()
        session.add(producto)
    antes = [getattr(producto, c) for c in CAMPOS]
    for campo in CAMPOS:
        valor = getattr(fila, campo)
        if valor is not None or campo in ("nombre", "activo"):
            setattr(producto, campo, valor)
    producto.clave = fila.clave
    session.flush()
    return producto, nuevo, antes != [getattr(producto, c) for c in CAMPOS]


def nombres_para_bot(session: Session) -> list[str]:
    """The active catalogue; before one is imported, the names already used in cases."""
    nombres = repository.nombres_activos(session)
    if nombres or repository.contar(session):
        return nombres
    stmt = select(ProductoAfectado.nombre_producto).distinct().limit(1000)
    return list(session.scalars(stmt))
