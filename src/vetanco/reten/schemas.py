"""Reten mirror and connector status shapes."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from vetanco.schemas import Pagination


class TareaRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    title: str | None
    description: str | None
    status: str | None
    priority: str | None
    assigned_to: str | None
    due_date: datetime | None
    remote_created_at: datetime | None
    remote_updated_at: datetime | None
    numero_caso: str | None = None
    vanished_at: datetime | None
    synced_at: datetime


class TareaList(BaseModel):
    data: list[TareaRead]
    pagination: Pagination


class RetenEstadoRead(BaseModel):
    modo: Literal["apagado", "webhooks", "polling", "polling_fallback"]
    mensaje: str
    ultimo_poll: datetime | None
    ultima_reconciliacion_completa: datetime | None
    reconciliacion_en_curso_desde_pagina: int | None
    tareas_en_espejo: int
    ultimo_webhook: datetime | None
    tasa_fallos_webhooks: float | None
    alertas: list[dict[str, Any]]
    kpis: dict[str, Any]
