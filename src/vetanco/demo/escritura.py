"""Bulk rows straight to the driver: binary COPY on PostgreSQL, one executemany on SQLite.

SQLAlchemy's executemany builds a parameter dict per row and runs each value through layers of
processor calls (a third of the seed's time on SQLite, almost half on PostgreSQL, at 20 000
cases). Here every column still gets its type's bind processor, so the stored form is the one
the ORM writes, but a column at a time, with direct conversions for UTC datetimes and UUIDs;
rows travel as tuples, and PostgreSQL takes them in binary, so no timestamp or id is printed
and parsed again.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, Dialect, Table, Uuid, text
from sqlalchemy.orm import Session

from vetanco.db import UTCDateTime

Convertir = Callable[[Any], Any]


def _igual(valor: Any) -> Any:
    return valor


def _fecha_sqlite(valor: datetime) -> str:
    return valor.isoformat(" ", "microseconds")[:26]


def _uuid_sqlite(valor: uuid.UUID) -> str:
    return valor.hex


# the bind processor's result for the values a seed writes, without its layers of calls; a
# column holding anything else (another time zone, another type) goes through the processor
_DIRECTOS: dict[tuple[str, type[Any]], tuple[Callable[[Any], bool], Convertir]] = {
    ("sqlite", UTCDateTime): (lambda v: v.tzinfo is UTC, _fecha_sqlite),
    ("postgresql", UTCDateTime): (lambda v: v.tzinfo is UTC, _igual),
    ("sqlite", Uuid): (lambda v: type(v) is uuid.UUID, _uuid_sqlite),
}


def _convertida(columna: Column[Any], dialecto: Dialect, valores: list[Any]) -> list[Any]:
    """One column's values as its type's bind processor gives them to the driver."""
    procesar: Convertir = columna.type.dialect_impl(dialecto).bind_processor(dialecto) or _igual
    acepta, directo = _DIRECTOS.get((dialecto.name, type(columna.type)), (None, procesar))
    if acepta is None or not all(v is None or acepta(v) for v in valores):
        directo = procesar
    muestra = next((v for v in valores if v is not None), None)
    # checked on every batch: a processor that changes can make this slower, never wrong
    if muestra is not None and directo(muestra) != procesar(muestra):
        directo = procesar
    if directo is _igual:
        return valores
    return [None if v is None else directo(v) for v in valores]


_DE_LAS_FILAS = object()


def _columnas(tabla: Table, filas: Sequence[dict[str, Any]]) -> list[tuple[Column[Any], Any]]:
    """The rows' columns, plus constant defaults of the ones they leave out (as an INSERT would)."""
    claves = filas[0].keys()
    columnas: list[tuple[Column[Any], Any]] = [(tabla.c[k], _DE_LAS_FILAS) for k in claves]
    for columna in tabla.columns:
        if columna.key in claves or columna.default is None:
            continue
        if not getattr(columna.default, "is_scalar", False):
            raise ValueError(f"{tabla.name}.{columna.key}: las filas deben traer su valor")
        columnas.append((columna, getattr(columna.default, "arg", None)))
    return columnas


def escribir(session: Session, modelo: type[Any], filas: Sequence[dict[str, Any]]) -> None:
    """Inserts rows that all carry the same keys, inside the session's transaction."""
    if not filas:
        return
    tabla: Table = modelo.__table__
    conexion = session.connection()
    dialecto = conexion.dialect
    columnas = _columnas(tabla, filas)
    por_columna = [
        _convertida(
            columna,
            dialecto,
            [f[columna.key] for f in filas] if valor is _DE_LAS_FILAS else [valor] * len(filas),
        )
        for columna, valor in columnas
    ]
    tuplas = list(zip(*por_columna, strict=True))
    # names come from the table definitions, never from input
    nombres = ", ".join(dialecto.identifier_preparer.quote(c.name) for c, _ in columnas)
    cruda: Any = conexion.connection.driver_connection
    if dialecto.name == "postgresql":
        tipos: dict[str, int] = dict(
            conexion.execute(
                text(
                    "SELECT attname, atttypid::int FROM pg_attribute "
                    "WHERE attrelid = CAST(:tabla AS regclass) AND attnum > 0"
                ),
                {"tabla": tabla.name},
            ).all()
        )
        # binary: no text to print and parse for each timestamp and id (half the time)
        copiar = f"COPY {tabla.name} ({nombres}) FROM STDIN (FORMAT BINARY)"
        with cruda.cursor() as cursor, cursor.copy(copiar) as copia:
            copia.set_types([tipos[c.name] for c, _ in columnas])
            for tupla in tuplas:
                copia.write_row(tupla)
        return
    marcas = ", ".join("?" * len(columnas))
    insertar = f"INSERT INTO {tabla.name} ({nombres}) VALUES ({marcas})"  # noqa: S608
    cursor = cruda.cursor()
    try:
        cursor.executemany(insertar, tuplas)
    finally:
        cursor.close()


@contextmanager
def busqueda_en_bloque(session: Session) -> Iterator[None]:
    """SQLite: the search index (casos_fts, migration 0015) takes the block's new cases in one
    INSERT … SELECT instead of one trigger call per row (cases insert 3× faster). The trigger
    is dropped and recreated inside the block's transaction, so no other writer sees it gone."""
    conexion = session.connection()
    disparador = None
    if conexion.dialect.name == "sqlite":
        disparador = conexion.scalar(
            text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'casos_fts_ai'")
        )
    if disparador is None:
        yield
        return
    ultimo = conexion.scalar(text("SELECT coalesce(max(rowid), 0) FROM casos"))
    conexion.exec_driver_sql("DROP TRIGGER casos_fts_ai")
    yield
    conexion.execute(
        text(
            "INSERT INTO casos_fts (rowid, busqueda) "
            "SELECT rowid, busqueda FROM casos WHERE rowid > :ultimo"
        ),
        {"ultimo": ultimo},
    )
    conexion.exec_driver_sql(disparador)
