"""The classifier's suggestion for a case, kept next to the human decision it may precede."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from vetanco.db import Base, UTCDateTime, new_id, utcnow


class SugerenciaTriage(Base):
    __tablename__ = "sugerencias_triage"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    caso_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("casos.id", ondelete="CASCADE"), unique=True
    )
    tipo_caso: Mapped[str] = mapped_column(String(30))
    criticidad: Mapped[str | None] = mapped_column(String(20))
    confianza: Mapped[float] = mapped_column(Float)
    evento_adverso: Mapped[bool] = mapped_column(Boolean, default=False)
    grave: Mapped[bool] = mapped_column(Boolean, default=False)
    razones: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    descartadas: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    aplicada: Mapped[bool] = mapped_column(Boolean, default=False)
    version_reglas: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
