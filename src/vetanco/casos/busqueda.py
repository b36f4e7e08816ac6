"""Free-text search over what a person remembers of a case, on one folded, indexed column.

`casos.busqueda` holds number, story and products/lots, lower-case and without accents; SQLite
indexes it with an FTS5 trigram table, PostgreSQL with a pg_trgm GIN index (migration 0015), so a
substring search stays an index lookup as the cases grow.
"""

from __future__ import annotations

from itertools import chain
from typing import Any

from sqlalchemy import Boolean, ColumnElement, String, bindparam, event, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.sql.visitors import InternalTraversal

from vetanco.casos.models import Caso, ProductoAfectado
from vetanco.clientes.models import Cliente
from vetanco.text import fold, like_pattern

TRIGRAMA = 3


def texto(caso: Caso, productos: list[ProductoAfectado]) -> str:
    partes = [caso.numero_caso, caso.que_sucedio, caso.descripcion_libre]
    for p in productos:
        partes += [p.nombre_producto, p.numero_lote]
    return fold(" ".join(p for p in partes if p))


@event.listens_for(Session, "before_flush")
def _al_cambiar(session: Session, _context: Any, _instances: Any) -> None:
    """A new or edited case, or a new product line, refreshes the case's search text."""
    nuevos = [o for o in session.new if isinstance(o, ProductoAfectado)]
    casos = {o for o in chain(session.new, session.dirty) if isinstance(o, Caso)}
    for producto in nuevos:
        if producto.caso_id is not None:
            with session.no_autoflush:
                caso = session.get(Caso, producto.caso_id)
            if caso is not None:
                casos.add(caso)
    for caso in casos:
        with session.no_autoflush:
            productos = list(caso.productos) if caso.id is not None else []
        productos += [p for p in nuevos if p.caso_id == caso.id and p not in productos]
        nuevo = texto(caso, productos)
        if caso.busqueda != nuevo:
            caso.busqueda = nuevo


def filtro(consulta: str) -> ColumnElement[bool]:
    """Cases whose text or client contains the words typed, accents and case ignored."""
    plegado = fold(consulta)
    clientes = select(Cliente.id).where(Cliente.busqueda.like(like_pattern(plegado), escape="\\"))
    return or_(EnTexto(plegado), Caso.cliente_id.in_(clientes))


class EnTexto(ColumnElement[bool]):
    """`casos.busqueda` contains the text: trigram FTS5 on SQLite, LIKE (pg_trgm GIN) elsewhere."""

    inherit_cache = True
    type = Boolean()
    _traverse_internals = [  # noqa: RUF012  (SQLAlchemy's declaration style)
        ("patron", InternalTraversal.dp_clauseelement),
        ("frase", InternalTraversal.dp_clauseelement),
        ("corto", InternalTraversal.dp_boolean),
    ]

    def __init__(self, plegado: str) -> None:
        self.patron = bindparam(None, like_pattern(plegado), type_=String(), unique=True)
        self.frase: BindParameter[str] = bindparam(
            None, '"' + plegado.replace('"', '""') + '"', unique=True
        )
        self.corto = len(plegado) < TRIGRAMA


@compiles(EnTexto)
def _like(element: EnTexto, compiler: SQLCompiler, **kw: Any) -> str:
    patron = compiler.process(element.patron, **kw)
    return f"casos.busqueda LIKE {patron} ESCAPE '\\'"


@compiles(EnTexto, "sqlite")
def _fts5(element: EnTexto, compiler: SQLCompiler, **kw: Any) -> str:
    if element.corto:
        return _like(element, compiler, **kw)
    frase = compiler.process(element.frase, **kw)
    return f"casos.rowid IN (SELECT rowid FROM casos_fts WHERE casos_fts MATCH {frase})"  # noqa: S608
