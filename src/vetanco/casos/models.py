"""A case and everything recorded about it, with a timestamp per state (as Dispatch does)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vetanco.clientes.models import Cliente
from vetanco.colaboradores.models import Colaborador
from vetanco.db import Base, UTCDateTime, new_id, utcnow

if TYPE_CHECKING:
    from vetanco.farmacovigilancia.models import EventoAdverso
    from vetanco.investigaciones.models import Investigacion
    from vetanco.sla.models import RelojCaso
    from vetanco.triage.models import SugerenciaTriage


class SecuenciaCaso(Base):
    """Last number issued per year; the row lock makes numbering gap-free under concurrency."""

    __tablename__ = "secuencias_caso"

    anio: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    ultimo: Mapped[int] = mapped_column(Integer, default=0)


class Caso(Base):
    __tablename__ = "casos"
    __table_args__ = (
        # a list page: its leading filter, its sort order, then the other filters (migration 0020)
        Index("ix_casos_created_at", "created_at", "numero_caso"),
        Index("ix_casos_updated_at", "updated_at", "numero_caso"),
        Index(
            "ix_casos_tipo_created_at",
            "tipo_caso",
            "created_at",
            "numero_caso",
            "criticidad",
            "estado",
        ),
        Index(
            "ix_casos_criticidad_created_at",
            "criticidad",
            "created_at",
            "numero_caso",
            "tipo_caso",
            "estado",
        ),
        Index("ix_casos_registrado_por", "registrado_por", "created_at"),
        Index("ix_casos_dedup", "que_sucedio_hash", "cliente_id"),
        Index("ix_casos_evento_adverso", "evento_adverso"),
        Index("ix_casos_sla_vence", "sla_vence"),
        Index("ix_casos_sla_riesgo_desde", "sla_riesgo_desde"),
        Index("ix_casos_sla_incumplido", "sla_incumplido"),
        Index("ix_casos_estado_updated_at", "estado", "updated_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    numero_caso: Mapped[str] = mapped_column(String(20), unique=True)
    tipo_caso: Mapped[str] = mapped_column(String(30))
    criticidad: Mapped[str | None] = mapped_column(String(20))
    justificacion: Mapped[str | None] = mapped_column(String(30))
    estado: Mapped[str] = mapped_column(String(20))
    canal: Mapped[str] = mapped_column(String(20))
    tipo_usuario_registro: Mapped[str] = mapped_column(String(30))
    cliente_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clientes.id"), index=True)
    colaborador_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("colaboradores.id"))
    que_sucedio: Mapped[str] = mapped_column(Text)
    que_sucedio_hash: Mapped[str] = mapped_column(String(64))
    donde_ocurrio: Mapped[str | None] = mapped_column(String(500))
    cuando_ocurrio: Mapped[datetime | None] = mapped_column(UTCDateTime)
    descripcion_libre: Mapped[str | None] = mapped_column(Text)
    numero_remito: Mapped[str | None] = mapped_column(String(50))
    resolucion: Mapped[str | None] = mapped_column(Text)
    acciones_correctivas: Mapped[str | None] = mapped_column(Text)
    acciones_preventivas: Mapped[str | None] = mapped_column(Text)
    registrado_por: Mapped[str] = mapped_column(String(150))
    evento_adverso: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    posible_duplicado_de: Mapped[str | None] = mapped_column(String(20))
    fusionado_en: Mapped[str | None] = mapped_column(String(20))
    primera_respuesta_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sla_vence: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sla_riesgo_desde: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sla_incumplido: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    busqueda: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    clasificado_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    en_investigacion_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resuelto_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cerrado_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    cliente: Mapped[Cliente] = relationship(lazy="joined")
    colaborador: Mapped[Colaborador | None] = relationship(lazy="joined")
    productos: Mapped[list[ProductoAfectado]] = relationship(
        back_populates="caso", order_by="ProductoAfectado.orden", lazy="selectin"
    )
    adjuntos: Mapped[list[Adjunto]] = relationship(
        back_populates="caso", order_by="Adjunto.created_at", lazy="selectin"
    )
    investigacion: Mapped[Investigacion | None] = relationship(
        back_populates="caso", lazy="selectin"
    )
    sugerencia: Mapped[SugerenciaTriage | None] = relationship(lazy="selectin")
    evento: Mapped[EventoAdverso | None] = relationship(lazy="selectin")
    relojes: Mapped[list[RelojCaso]] = relationship(
        order_by="RelojCaso.created_at", lazy="selectin"
    )


# newest first within each estado, so `orden=estado` reads it in order too (migration 0020)
Index(
    "ix_casos_estado_created_at",
    Caso.estado,
    Caso.created_at.desc(),
    Caso.numero_caso.desc(),
    Caso.tipo_caso,
    Caso.criticidad,
)


class ProductoAfectado(Base):
    __tablename__ = "productos_afectados"
    __table_args__ = (
        Index("ix_productos_afectados_clave", "producto_clave"),
        Index("ix_productos_afectados_lote", "numero_lote"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    caso_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("casos.id", ondelete="CASCADE"), index=True
    )
    orden: Mapped[int] = mapped_column(Integer, default=0)
    nombre_producto: Mapped[str] = mapped_column(String(200))
    producto_clave: Mapped[str] = mapped_column(String(200))
    presentacion: Mapped[str | None] = mapped_column(String(100))
    numero_lote: Mapped[str | None] = mapped_column(String(50))
    fecha_vencimiento: Mapped[date | None] = mapped_column(Date)
    estado_producto: Mapped[str | None] = mapped_column(String(30))
    cantidad_afectada: Mapped[float | None] = mapped_column(Float)
    unidad_medida: Mapped[str | None] = mapped_column(String(30))

    caso: Mapped[Caso] = relationship(back_populates="productos")


class Adjunto(Base):
    """A file of the case: an external URL given by the API, or media downloaded and stored by SHA-256."""

    __tablename__ = "adjuntos"
    __table_args__ = (Index("ix_adjuntos_estado", "estado"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    caso_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("casos.id", ondelete="CASCADE"), index=True
    )
    tipo: Mapped[str] = mapped_column(String(20))
    url: Mapped[str] = mapped_column(String(1000))
    nombre: Mapped[str | None] = mapped_column(String(300))
    mime_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None] = mapped_column(Integer)
    estado: Mapped[str] = mapped_column(String(20), default="externo", server_default="externo")
    media_id: Mapped[str | None] = mapped_column(String(200))
    sha256: Mapped[str | None] = mapped_column(String(64))
    ruta: Mapped[str | None] = mapped_column(String(300))
    error: Mapped[str | None] = mapped_column(String(500))
    intentos: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    caso: Mapped[Caso] = relationship(back_populates="adjuntos")


class Clasificacion(Base):
    """Every classification ever made, so a re-classification never hides the earlier one."""

    __tablename__ = "clasificaciones"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    caso_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("casos.id", ondelete="CASCADE"), index=True
    )
    tipo_caso_anterior: Mapped[str] = mapped_column(String(30))
    tipo_caso: Mapped[str] = mapped_column(String(30))
    criticidad: Mapped[str | None] = mapped_column(String(20))
    justificacion: Mapped[str | None] = mapped_column(String(30))
    motivo: Mapped[str | None] = mapped_column(Text)
    evidencias: Mapped[str | None] = mapped_column(Text)
    clasificado_por: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("colaboradores.id"))
    actor: Mapped[str] = mapped_column(String(150))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class HistorialCaso(Base):
    """Append-only audit trail; each entry hashes the one before it (21 CFR 11.10(e))."""

    __tablename__ = "historial_casos"
    __table_args__ = (
        UniqueConstraint("caso_id", "secuencia", name="uq_historial_casos_caso_secuencia"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    caso_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("casos.id"), index=True)
    secuencia: Mapped[int] = mapped_column(Integer)
    accion: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(150))
    colaborador_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    cambios: Mapped[dict[str, Any]] = mapped_column(JSON)
    motivo: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    hash_anterior: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class IdempotencyRecord(Base):
    """First response to an Idempotency-Key, replayed verbatim to retries of the same request."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (
        UniqueConstraint("api_key_id", "key", name="uq_idempotency_keys_api_key_key"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    api_key_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer)
    response: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
