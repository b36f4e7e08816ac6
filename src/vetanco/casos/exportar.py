"""Exporting the filtered case list as CSV or XLSX, in batches so any size fits in memory."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from typing import Any

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from vetanco.casos.models import Caso
from vetanco.casos.repository import ORDENES, CasoFilters
from vetanco.db import Database
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
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


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
        .options(selectinload(Caso.productos))
        .order_by(*ORDENES[orden])
        .execution_options(yield_per=LOTE)
    )
    with db.session(write=False) as session:
        for caso in session.scalars(stmt):
            yield _fila(caso)


def _segura(valor: Any) -> Any:
    """Spreadsheet formula injection: a cell that starts like a formula is kept as text."""
    if isinstance(valor, str) and valor.startswith(_FORMULA):
        return "'" + valor
    return valor


def csv_stream(rows: Iterator[list[Any]]) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(COLUMNAS)
    for n, row in enumerate(rows, start=1):
        writer.writerow([_segura(v) for v in row])
        if n % LOTE == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def xlsx_stream(rows: Iterator[list[Any]]) -> Iterator[bytes]:
    """openpyxl's write-only mode keeps memory flat; the file is spooled to disk, then streamed."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Casos")
    sheet.append(COLUMNAS)
    for row in rows:
        sheet.append([_segura(v) for v in row])
    with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as fh:
        book.save(fh)
        fh.seek(0)
        while chunk := fh.read(64 * 1024):
            yield chunk
