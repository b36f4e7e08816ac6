"""The catalogue as a spreadsheet: the export's columns are exactly what the import reads back."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vetanco.db import Database
from vetanco.planillas.importacion import Cambio, FilaRechazada
from vetanco.productos import repository, service
from vetanco.productos.models import Producto
from vetanco.productos.schemas import ProductoFila

COLUMNAS = service.CAMPOS
ALIAS = {
    "cod": "codigo",
    "codigo_producto": "codigo",
    "sku": "codigo",
    "producto": "nombre",
    "nombre_producto": "nombre",
    "descripcion": "nombre",
    "presentacion_comercial": "presentacion",
    "envase": "presentacion",
    "droga": "principio_activo",
    "principios_activos": "principio_activo",
    "especie": "especies",
    "senasa": "registro_senasa",
    "certificado_senasa": "registro_senasa",
    "estado": "activo",
}


def filas(db: Database) -> Iterator[list[Any]]:
    stmt = select(Producto).order_by(Producto.clave)
    with db.session(write=False) as session:
        for producto in session.scalars(stmt):
            fila = [getattr(producto, c) for c in COLUMNAS]
            yield ["si" if v is True else "no" if v is False else v or "" for v in fila]


def contar(db: Database) -> int:
    with db.session(write=False) as session:
        return repository.contar(session)


class ImportadorProductos:
    """Upserts by code, else by name + presentation; optionally retires what the file omits."""

    modelo = ProductoFila

    def __init__(self, *, desactivar_ausentes: bool = False) -> None:
        self.retira_ausentes = desactivar_ausentes
        self._vistos: set[uuid.UUID] = set()

    def clave(self, fila: ProductoFila) -> str | None:
        return fila.codigo or fila.clave

    def aplicar(self, session: Session, *, fila: ProductoFila) -> Cambio:
        try:
            producto, nuevo, cambio = service.guardar(session, fila=fila)
        except service.ClaveOcupada as exc:
            otro = exc.otro.codigo or "sin código"
            texto = f"ese nombre y presentación ya son del producto {otro}"
            raise FilaRechazada("nombre" if fila.codigo else "codigo", texto) from exc
        self._vistos.add(producto.id)
        if nuevo:
            return Cambio.creada
        return Cambio.actualizada if cambio else Cambio.sin_cambios

    def terminar(self, session: Session) -> int:
        return repository.desactivar_salvo(session, conservar=self._vistos)
