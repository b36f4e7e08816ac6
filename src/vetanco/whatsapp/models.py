"""WhatsApp: every inbound event stored before it is acknowledged, conversations and their transcript."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, Uuid, text
from sqlalchemy.orm import Mapped, mapped_column

from vetanco.db import Base, UTCDateTime, new_id, utcnow
from vetanco.webhooks.models import BigId

EN_COLA_SQL = "processed_at IS NULL"


class KapsoEvento(Base):
    """Durable inbox: one row per inbound event, deduplicated by `dedup_key`, processed later."""

    __tablename__ = "kapso_eventos"
    # only unprocessed events, in claim order: the bot's claim stays O(pending) however long the
    # inbox's history and however stale the planner's statistics (migration 0021)
    __table_args__ = (
        Index(
            "ix_kapso_eventos_en_cola",
            "id",
            sqlite_where=text(EN_COLA_SQL),
            postgresql_where=text(EN_COLA_SQL),
        ),
        Index(
            "ix_kapso_eventos_telefono_en_cola",
            "telefono",
            "id",
            sqlite_where=text(EN_COLA_SQL),
            postgresql_where=text(EN_COLA_SQL),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    dedup_key: Mapped[str] = mapped_column(String(200), unique=True)
    tipo: Mapped[str] = mapped_column(String(20))
    formato: Mapped[str] = mapped_column(String(10))
    telefono: Mapped[str | None] = mapped_column(String(30))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    retry_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Conversacion(Base):
    """One per phone; the bot's state lives here so a restart continues mid-conversation."""

    __tablename__ = "conversaciones"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    telefono: Mapped[str] = mapped_column(String(30), unique=True)
    phone_number_id: Mapped[str | None] = mapped_column(String(64))
    kapso_conversation_id: Mapped[str | None] = mapped_column(String(100))
    contact_name: Mapped[str | None] = mapped_column(String(200))
    paso: Mapped[str] = mapped_column(String(40), default="inicio")
    datos: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    requiere_humano: Mapped[bool] = mapped_column(Boolean, default=False)
    ultimo_entrante_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MensajeWhatsapp(Base):
    """The transcript, and for outbound rows also the send queue (the WhatsApp outbox)."""

    __tablename__ = "mensajes_whatsapp"
    __table_args__ = (
        Index("ix_mensajes_whatsapp_conversacion", "conversacion_id", "id"),
        Index("ix_mensajes_whatsapp_cola", "estado", "proximo_intento_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    conversacion_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("conversaciones.id"))
    caso_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("casos.id"), index=True)
    direccion: Mapped[str] = mapped_column(String(10))
    tipo: Mapped[str] = mapped_column(String(20))
    texto: Mapped[str | None] = mapped_column(Text)
    contenido: Mapped[dict[str, Any]] = mapped_column(JSON)
    wamid: Mapped[str | None] = mapped_column(String(200), index=True)
    estado: Mapped[str] = mapped_column(String(20))
    autor: Mapped[str] = mapped_column(String(150))
    intentos: Mapped[int] = mapped_column(Integer, default=0)
    proximo_intento_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ultimo_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    enviado_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
