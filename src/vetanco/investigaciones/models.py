"""The investigation of a case: findings, root cause and CAPA (EU GMP Chapter 8)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vetanco.colaboradores.models import Colaborador
from vetanco.db import Base, UTCDateTime, new_id, utcnow

if TYPE_CHECKING:
    from vetanco.casos.models import Caso


class Investigacion(Base):
    __tablename__ = "investigaciones"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    caso_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("casos.id", ondelete="CASCADE"), unique=True
    )
    investigador_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("colaboradores.id"))
    estado: Mapped[str] = mapped_column(String(20), default="en_proceso")
    fecha_inicio: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    fecha_fin: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hallazgos: Mapped[str | None] = mapped_column(Text)
    evidencia_recolectada: Mapped[str | None] = mapped_column(Text)
    analisis_laboratorio: Mapped[str | None] = mapped_column(Text)
    causa_raiz: Mapped[str | None] = mapped_column(Text)
    acciones_correctivas: Mapped[str | None] = mapped_column(Text)
    acciones_preventivas: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    caso: Mapped[Caso] = relationship(back_populates="investigacion")
    investigador: Mapped[Colaborador] = relationship(lazy="joined")
