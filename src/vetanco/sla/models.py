"""A running clock of a case: first response, resolution, or the regulatory report."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, String, UniqueConstraint, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from vetanco.db import Base, UTCDateTime, new_id, utcnow


class RelojCaso(Base):
    """Deadlines are stored, not computed, so lists can filter on them in SQL."""

    __tablename__ = "relojes_caso"
    __table_args__ = (
        UniqueConstraint("caso_id", "tipo", name="uq_relojes_caso_caso_tipo"),
        Index(
            "ix_relojes_caso_abiertos",
            "tipo",
            "vence",
            "pausado_desde",
            "inicio",
            sqlite_where=text("cumplido_at IS NULL"),
            postgresql_where=text("cumplido_at IS NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    caso_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("casos.id", ondelete="CASCADE"))
    tipo: Mapped[str] = mapped_column(String(30))
    politica: Mapped[str] = mapped_column(String(50))
    habiles: Mapped[bool] = mapped_column(Boolean, default=True)
    objetivo_horas: Mapped[float] = mapped_column(Float)
    inicio: Mapped[datetime] = mapped_column(UTCDateTime)
    vence: Mapped[datetime] = mapped_column(UTCDateTime)
    riesgo_desde: Mapped[datetime] = mapped_column(UTCDateTime)
    pausado_desde: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pausa_horas: Mapped[float] = mapped_column(Float, default=0.0)
    cumplido_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    alerta_riesgo_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    alerta_vencido_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
