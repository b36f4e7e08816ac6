"""A catalogue product: one row per code, or per name and presentation when there is no code."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from vetanco.db import Base, UTCDateTime, new_id, utcnow


class Producto(Base):
    __tablename__ = "productos"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    codigo: Mapped[str | None] = mapped_column(String(50), unique=True)
    nombre: Mapped[str] = mapped_column(String(200))
    presentacion: Mapped[str | None] = mapped_column(String(100))
    clave: Mapped[str] = mapped_column(String(300), unique=True)
    principio_activo: Mapped[str | None] = mapped_column(String(200))
    especies: Mapped[str | None] = mapped_column(String(200))
    registro_senasa: Mapped[str | None] = mapped_column(String(50))
    activo: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @property
    def nombre_completo(self) -> str:
        """How a client names it on WhatsApp and how a case records it: 'Vetancilina 100 ml'."""
        return f"{self.nombre} {self.presentacion}" if self.presentacion else self.nombre
