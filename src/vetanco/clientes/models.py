"""Clients: the farms, vets and distributors who complain; one row per CUIT."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from vetanco.db import Base, UTCDateTime, new_id, utcnow


class Cliente(Base):
    __tablename__ = "clientes"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    nombre_apellido: Mapped[str | None] = mapped_column(String(200))
    razon_social: Mapped[str | None] = mapped_column(String(200))
    cuit: Mapped[str | None] = mapped_column(String(13), unique=True)
    direccion: Mapped[str | None] = mapped_column(String(300))
    telefono: Mapped[str | None] = mapped_column(String(40))
    telefono_digitos: Mapped[str | None] = mapped_column(String(40), index=True)
    email: Mapped[str | None] = mapped_column(String(200))
    busqueda: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
