"""Clients as a spreadsheet: the export's columns are exactly what the import reads back."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vetanco.clientes import repository
from vetanco.clientes.models import Cliente
from vetanco.clientes.schemas import ClienteFila
from vetanco.clientes.service import solo_digitos, upsert_cliente
from vetanco.db import Database
from vetanco.planillas.importacion import Cambio

COLUMNAS = ("cuit", "razon_social", "nombre_apellido", "telefono", "email", "direccion")
ALIAS = {
    "nombre": "nombre_apellido",
    "nombre_y_apellido": "nombre_apellido",
    "apellido_y_nombre": "nombre_apellido",
    "empresa": "razon_social",
    "cuit_cuil": "cuit",
    "celular": "telefono",
    "tel": "telefono",
    "whatsapp": "telefono",
    "correo": "email",
    "correo_electronico": "email",
    "e_mail": "email",
    "domicilio": "direccion",
}


def filas(db: Database) -> Iterator[list[Any]]:
    """Its own read transaction, in CUIT order so two exports of the same data are identical."""
    stmt = select(Cliente).order_by(Cliente.cuit, Cliente.created_at, Cliente.id)
    with db.session(write=False) as session:
        for cliente in session.scalars(stmt.execution_options(yield_per=500)):
            yield [getattr(cliente, c) or "" for c in COLUMNAS]


def contar(db: Database) -> int:
    with db.session(write=False) as session:
        return int(session.scalar(select(func.count()).select_from(Cliente)) or 0)


class ImportadorClientes:
    """Match by CUIT, else by phone, as the API does; blank cells never erase stored data."""

    modelo = ClienteFila
    retira_ausentes = False

    def clave(self, fila: ClienteFila) -> str | None:
        return fila.cuit or solo_digitos(fila.telefono)

    def aplicar(self, session: Session, *, fila: ClienteFila) -> Cambio:
        existente = (
            repository.by_cuit(session, fila.cuit)
            if fila.cuit
            else repository.by_telefono(session, solo_digitos(fila.telefono) or "")
        )
        if existente is not None and all(
            getattr(fila, c) in (None, getattr(existente, c)) for c in COLUMNAS
        ):
            return Cambio.sin_cambios
        upsert_cliente(session, data=fila)
        return Cambio.creada if existente is None else Cambio.actualizada

    def terminar(self, session: Session) -> int:
        return 0
