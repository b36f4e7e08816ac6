"""Exporting the filtered case list as CSV or XLSX, in batches so any size fits in memory."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, lazyload, selectinload

from vetanco.casos.models import Caso
from vetanco.casos.repository import ORDENES, CasoFilters
from vetanco.db import Database
from vetanco.planillas import escritura
from vetanco.planillas.escritura import Formato
from vetanco.sla.calendario import ARGENTINA

LOTE = 500
COLUMNAS = [
    "numero_caso",
    "fecha_creacion",
    "tipo_caso",
    "criticidad",
    "estado",
    "canal",
    "cliente",
    "cuit",
    "producto",
    "lote",
    "evento_adverso",
    "que_sucedio",
]


def _fila(caso: Caso) -> list[Any]:
    primero = caso.productos[0] if caso.productos else None
    cliente = caso.cliente.razon_social or caso.cliente.nombre_apellido or ""
    return [
        caso.numero_caso,
        caso.created_at.astimezone(ARGENTINA).strftime("%Y-%m-%d %H:%M"),
        caso.tipo_caso,
        caso.criticidad or "",
        caso.estado,
        caso.canal,
        cliente,
        caso.cliente.cuit or "",
        primero.nombre_producto if primero else "",
        (primero.numero_lote or "") if primero else "",
        "si" if caso.evento_adverso else "no",
        caso.que_sucedio,
    ]


def filas(db: Database, *, filters: CasoFilters, orden: str = "-created_at") -> Iterator[list[Any]]:
    """Its own read transaction: the response streams after the request's session has closed."""
    stmt = (
        filters.apply(select(Caso))
        .options(selectinload(Caso.productos), joinedload(Caso.cliente), lazyload("*"))
        .order_by(*ORDENES[orden])
        .execution_options(yield_per=LOTE)
    )
    with db.session(write=False) as session:
        for caso in session.scalars(stmt):
            yield _fila(caso)


def contar(db: Database, *, filters: CasoFilters) -> int:
    with db.session(write=False) as session:
        return int(session.scalar(filters.apply(select(func.count()).select_from(Caso))) or 0)


def stream(
    db: Database, *, filters: CasoFilters, orden: str = "-created_at", formato: Formato = "csv"
) -> Iterator[bytes]:
    return escritura.stream(
        formato, COLUMNAS, filas(db, filters=filters, orden=orden), hoja="Casos"
    )
