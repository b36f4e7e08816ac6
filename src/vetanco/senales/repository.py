"""Signal queries: a lot's reclamos in a window, the vigente signal, aggregates for lists and stats."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, distinct, func, select, tuple_
from sqlalchemy.orm import Session

from vetanco.casos.enums import Criticidad, TipoCaso
from vetanco.casos.models import Caso, ProductoAfectado
from vetanco.clientes.models import Cliente
from vetanco.db import AnySelect
from vetanco.senales.enums import CERRADAS, VIGENTES
from vetanco.senales.models import Senal, SenalCaso
from vetanco.text import fold, like_pattern

Lote = tuple[str, str]
"""(producto_clave, lote en mayúsculas): how a lot is identified across cases."""

lote_sql: ColumnElement[str] = func.upper(ProductoAfectado.numero_lote)


def clave_lote(numero_lote: str) -> str:
    return numero_lote.strip().upper()


def es_critico() -> ColumnElement[bool]:
    return and_(
        Caso.tipo_caso == TipoCaso.reclamo.value, Caso.criticidad == Criticidad.critico.value
    )


def lotes_del_caso(session: Session, caso_id: uuid.UUID) -> list[tuple[Lote, str]]:
    """The case's lots (read from the table, so products added in this transaction count)."""
    stmt = (
        select(
            ProductoAfectado.producto_clave, lote_sql, func.min(ProductoAfectado.nombre_producto)
        )
        .where(ProductoAfectado.caso_id == caso_id, ProductoAfectado.numero_lote.is_not(None))
        .group_by(ProductoAfectado.producto_clave, lote_sql)
    )
    return [((str(k), str(lt)), str(n)) for k, lt, n in session.execute(stmt) if lt]


def vigente(session: Session, lote: Lote, *, for_update: bool = False) -> Senal | None:
    stmt = select(Senal).where(
        Senal.producto_clave == lote[0], Senal.lote == lote[1], Senal.estado.in_(VIGENTES)
    )
    if for_update:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).first()


def ultimo_cierre(session: Session, lote: Lote) -> datetime | None:
    stmt = select(func.max(Senal.cerrada_at)).where(
        Senal.producto_clave == lote[0], Senal.lote == lote[1], Senal.estado.in_(CERRADAS)
    )
    value: datetime | None = session.scalar(stmt)
    return value


def _reclamos_del_lote(lote: Lote) -> AnySelect:
    return (
        select(Caso.id)
        .join(ProductoAfectado, ProductoAfectado.caso_id == Caso.id)
        .where(
            ProductoAfectado.producto_clave == lote[0],
            lote_sql == lote[1],
            Caso.tipo_caso == TipoCaso.reclamo.value,
            Caso.fusionado_en.is_(None),
        )
    )


def reclamos_en_ventana(
    session: Session, lote: Lote, *, desde: datetime, hasta: datetime | None = None
) -> list[uuid.UUID]:
    """Reclamos of the lot received since `desde` (merged duplicates never count twice)."""
    stmt = _reclamos_del_lote(lote).where(Caso.created_at >= desde)
    if hasta is not None:
        stmt = stmt.where(Caso.created_at <= hasta)
    return list(dict.fromkeys(session.scalars(stmt.order_by(Caso.created_at))))


def estuvo_en_senal(session: Session, *, caso_id: uuid.UUID, lote: Lote) -> bool:
    stmt = (
        select(SenalCaso.caso_id)
        .join(Senal, Senal.id == SenalCaso.senal_id)
        .where(
            SenalCaso.caso_id == caso_id,
            Senal.producto_clave == lote[0],
            Senal.lote == lote[1],
        )
        .limit(1)
    )
    return session.scalar(stmt) is not None


def vinculados(session: Session, senal_id: uuid.UUID) -> set[uuid.UUID]:
    return set(session.scalars(select(SenalCaso.caso_id).where(SenalCaso.senal_id == senal_id)))


def by_id(session: Session, senal_id: uuid.UUID, *, for_update: bool = False) -> Senal | None:
    stmt = select(Senal).where(Senal.id == senal_id)
    if for_update:
        stmt = stmt.with_for_update(of=Senal)
    return session.scalars(stmt).first()


@dataclass(frozen=True, slots=True)
class SenalFilters:
    estado: str | None = None
    producto: str | None = None
    lote: str | None = None

    def apply(self, stmt: AnySelect) -> AnySelect:
        if self.estado:
            stmt = stmt.where(Senal.estado == self.estado)
        if self.producto:
            stmt = stmt.where(
                Senal.producto_clave.like(like_pattern(fold(self.producto)), escape="\\")
            )
        if self.lote:
            stmt = stmt.where(Senal.lote == clave_lote(self.lote))
        return stmt


def listar(
    session: Session, *, filters: SenalFilters, offset: int, limit: int
) -> tuple[list[Senal], int]:
    total = session.scalar(filters.apply(select(func.count(Senal.id)))) or 0
    stmt = filters.apply(select(Senal)).order_by(Senal.abierta_at.desc(), Senal.id)
    return list(session.scalars(stmt.offset(offset).limit(limit))), total


@dataclass(frozen=True, slots=True)
class Resumen:
    total_casos: int = 0
    criticos: int = 0
    primero: datetime | None = None
    ultimo: datetime | None = None


def resumenes(session: Session, senal_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Resumen]:
    """Per signal: how many cases, how many críticos, first and last reception date."""
    ids = list(senal_ids)
    if not ids:
        return {}
    stmt = (
        select(
            SenalCaso.senal_id,
            func.count(Caso.id),
            func.sum(case((es_critico(), 1), else_=0)),
            func.min(Caso.created_at),
            func.max(Caso.created_at),
        )
        .join(Caso, Caso.id == SenalCaso.caso_id)
        .where(SenalCaso.senal_id.in_(ids))
        .group_by(SenalCaso.senal_id)
    )
    out: dict[uuid.UUID, Resumen] = {}
    for senal_id, total, criticos, primero, ultimo in session.execute(stmt):
        out[senal_id] = Resumen(int(total), int(criticos or 0), primero, ultimo)
    return out


@dataclass(frozen=True, slots=True)
class CasoDeSenal:
    numero_caso: str
    tipo_caso: str
    criticidad: str | None
    estado: str
    created_at: datetime
    donde_ocurrio: str | None
    cliente_id: uuid.UUID
    nombre_apellido: str | None
    razon_social: str | None
    cuit: str | None
    direccion: str | None
    origen: str
    vinculado_at: datetime


def casos_de(session: Session, senal_id: uuid.UUID) -> list[CasoDeSenal]:
    stmt = (
        select(
            Caso.numero_caso,
            Caso.tipo_caso,
            Caso.criticidad,
            Caso.estado,
            Caso.created_at,
            Caso.donde_ocurrio,
            Cliente.id.label("cliente_id"),
            Cliente.nombre_apellido,
            Cliente.razon_social,
            Cliente.cuit,
            Cliente.direccion,
            SenalCaso.origen,
            SenalCaso.vinculado_at,
        )
        .join(Caso, Caso.id == SenalCaso.caso_id)
        .join(Cliente, Cliente.id == Caso.cliente_id)
        .where(SenalCaso.senal_id == senal_id)
        .order_by(Caso.created_at, Caso.numero_caso)
    )
    return [CasoDeSenal(**dict(row._mapping)) for row in session.execute(stmt)]


def lotes_del_producto(
    session: Session, *, producto_clave: str, desde: datetime, hasta: datetime, limit: int
) -> list[tuple[str, str, int, int]]:
    """(nombre, lote, reclamos, críticos) of every lot of the product with reclamos in the window."""
    total = func.count(distinct(Caso.id))
    criticos = func.count(distinct(case((es_critico(), Caso.id))))
    stmt = (
        select(func.min(ProductoAfectado.nombre_producto), lote_sql, total, criticos)
        .join(Caso, Caso.id == ProductoAfectado.caso_id)
        .where(
            ProductoAfectado.producto_clave == producto_clave,
            ProductoAfectado.numero_lote.is_not(None),
            Caso.tipo_caso == TipoCaso.reclamo.value,
            Caso.fusionado_en.is_(None),
            Caso.created_at >= desde,
            Caso.created_at <= hasta,
        )
        .group_by(lote_sql)
        .order_by(total.desc(), criticos.desc(), lote_sql)
        .limit(limit)
    )
    return [(str(n), str(lt), int(t), int(c)) for n, lt, t, c in session.execute(stmt)]


def ultimas_senales(session: Session, lotes: Iterable[Lote]) -> dict[Lote, Senal]:
    """The most recent signal of each lot (a vigente one is always the most recent)."""
    claves = list(set(lotes))
    if not claves:
        return {}
    stmt = (
        select(Senal)
        .where(tuple_(Senal.producto_clave, Senal.lote).in_(claves))
        .order_by(Senal.abierta_at)
    )
    out: dict[Lote, Senal] = {}
    for senal in session.scalars(stmt):
        out[(senal.producto_clave, senal.lote)] = senal
    return out


def numeros(session: Session, caso_ids: Iterable[uuid.UUID]) -> list[tuple[str, str | None]]:
    """(numero_caso, criticidad) of the given cases, oldest first."""
    ids = list(caso_ids)
    if not ids:
        return []
    stmt = (
        select(Caso.numero_caso, Caso.criticidad)
        .where(Caso.id.in_(ids))
        .order_by(Caso.created_at, Caso.numero_caso)
    )
    return [(str(n), c) for n, c in session.execute(stmt)]
