"""An adverse event: the VICH GL42 data elements and the report owed to the authority."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from vetanco.db import Base, UTCDateTime, new_id, utcnow


class EventoAdverso(Base):
    __tablename__ = "eventos_adversos"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    caso_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("casos.id", ondelete="CASCADE"), unique=True
    )
    origen: Mapped[str] = mapped_column(String(20))
    grave: Mapped[bool] = mapped_column(Boolean, default=False)
    falta_de_eficacia: Mapped[bool] = mapped_column(Boolean, default=False)
    exposicion_humana: Mapped[bool] = mapped_column(Boolean, default=False)
    especie: Mapped[str | None] = mapped_column(String(100))
    animales_tratados: Mapped[int | None] = mapped_column(Integer)
    animales_afectados: Mapped[int | None] = mapped_column(Integer)
    animales_muertos: Mapped[int | None] = mapped_column(Integer)
    dosis: Mapped[str | None] = mapped_column(String(200))
    via_administracion: Mapped[str | None] = mapped_column(String(50))
    fecha_aplicacion: Mapped[date | None] = mapped_column(Date)
    desenlace: Mapped[str | None] = mapped_column(String(30))
    observaciones: Mapped[str | None] = mapped_column(Text)
    autoridad: Mapped[str | None] = mapped_column(String(50))
    reporte_presentado_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reporte_referencia: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
