"""A lot signal, the cases it gathers and every change of its state (a timestamp per state, as Dispatch)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vetanco.db import Base, UTCDateTime, new_id, utcnow

VIGENTE_SQL = "estado IN ('abierta', 'en_evaluacion')"


class Senal(Base):
    """At most one vigente (abierta or en_evaluacion) per product and lot: the partial unique index."""

    __tablename__ = "senales"
    __table_args__ = (
        Index("ix_senales_lote", "producto_clave", "lote"),
        Index("ix_senales_estado", "estado"),
        Index(
            "uq_senales_vigente",
            "producto_clave",
            "lote",
            unique=True,
            sqlite_where=text(VIGENTE_SQL),
            postgresql_where=text(VIGENTE_SQL),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    producto: Mapped[str] = mapped_column(String(200))
    producto_clave: Mapped[str] = mapped_column(String(200))
    lote: Mapped[str] = mapped_column(String(50))
    estado: Mapped[str] = mapped_column(String(20))
    motivo_apertura: Mapped[str] = mapped_column(String(20))
    caso_apertura: Mapped[str] = mapped_column(String(20))
    abierta_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    en_evaluacion_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    descartada_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    retiro_de_mercado_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cerrada_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    cambios: Mapped[list[SenalCambio]] = relationship(
        order_by="SenalCambio.at", lazy="selectin", cascade="all, delete-orphan"
    )


class SenalCaso(Base):
    """A case counted in a signal: the ones that opened it and the ones that joined later."""

    __tablename__ = "senal_casos"

    senal_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("senales.id", ondelete="CASCADE"), primary_key=True
    )
    caso_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("casos.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    origen: Mapped[str] = mapped_column(String(20))
    vinculado_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class SenalCambio(Base):
    """Append-only trail of a signal's states: opening (by sistema) and every decision of Calidad."""

    __tablename__ = "senal_cambios"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    senal_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("senales.id", ondelete="CASCADE"), index=True
    )
    estado_anterior: Mapped[str | None] = mapped_column(String(20))
    estado_nuevo: Mapped[str] = mapped_column(String(20))
    motivo: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(150))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
