"""Reten: the local mirror of field tasks, and the connector's own state (checkpoint, webhook id)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from vetanco.casos.models import Caso
from vetanco.db import Base, UTCDateTime, utcnow
from vetanco.webhooks.models import BigId


class TareaReten(Base):
    """One Reten task as last seen; `remote_updated_at` decides whether a copy is newer."""

    __tablename__ = "tareas_reten"
    __table_args__ = (
        Index("ix_tareas_reten_status", "status"),
        Index("ix_tareas_reten_assigned_to", "assigned_to"),
        Index("ix_tareas_reten_due_date", "due_date"),
    )

    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    title: Mapped[str | None] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str | None] = mapped_column(String(30))
    priority: Mapped[str | None] = mapped_column(String(20))
    assigned_to: Mapped[str | None] = mapped_column(String(100))
    due_date: Mapped[datetime | None] = mapped_column(UTCDateTime)
    remote_created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    remote_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    raw: Mapped[dict[str, Any]] = mapped_column(JSON)
    caso_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("casos.id"), index=True)
    seen_walk: Mapped[str | None] = mapped_column(String(40))
    vanished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    synced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    caso: Mapped[Caso | None] = relationship(
        backref=backref("tareas_reten", lazy="selectin", order_by="TareaReten.id")
    )


class RetenEstado(Base):
    """A single row: where an interrupted reconcile resumes, and what the connector last did."""

    __tablename__ = "reten_estado"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False, default=1)
    walk_id: Mapped[str | None] = mapped_column(String(40))
    walk_full: Mapped[bool | None] = mapped_column()
    checkpoint_page: Mapped[int | None] = mapped_column(Integer)
    walk_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_poll_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_full_walk_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_webhook_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    modo: Mapped[str | None] = mapped_column(String(20))
    webhooks_aplicados: Mapped[int | None] = mapped_column(Integer)
    tasa_fallos_webhooks: Mapped[float | None] = mapped_column(Float)
    webhook_id: Mapped[str | None] = mapped_column(String(100))
    refresh_token_enc: Mapped[str | None] = mapped_column(Text)


class RetenEvento(Base):
    """Durable inbox of Reten webhooks: stored and acknowledged first, applied by the worker."""

    __tablename__ = "reten_eventos"
    __table_args__ = (Index("ix_reten_eventos_pendientes", "processed_at", "id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    dedup_key: Mapped[str] = mapped_column(String(64), unique=True)
    event: Mapped[str] = mapped_column(String(40))
    task_id: Mapped[str | None] = mapped_column(String(100))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))


class RetenAccion(Base):
    """A change we owe Reten (PATCH a task), written with the case change and sent after commit."""

    __tablename__ = "reten_acciones"
    __table_args__ = (Index("ix_reten_acciones_cola", "estado", "proximo_intento_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    task_id: Mapped[str] = mapped_column(String(100))
    caso_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("casos.id"))
    body: Mapped[dict[str, Any]] = mapped_column(JSON)
    estado: Mapped[str] = mapped_column(String(20), default="pendiente")
    intentos: Mapped[int] = mapped_column(Integer, default=0)
    proximo_intento_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ultimo_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RetenAlerta(Base):
    """One row per kind of alert; raising and clearing are logged and emitted as integracion.alerta."""

    __tablename__ = "reten_alertas"

    tipo: Mapped[str] = mapped_column(String(40), primary_key=True)
    activa: Mapped[bool] = mapped_column(Boolean, default=False)
    detalle: Mapped[str | None] = mapped_column(String(500))
    raised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cleared_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
