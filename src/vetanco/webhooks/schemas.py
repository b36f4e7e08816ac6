"""Subscription and delivery-log I/O shapes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from vetanco.schemas import Input, Pagination, Success
from vetanco.webhooks.events import SUSCRIBIBLES, TODOS

EstadoEntrega = Literal["pendiente", "entregada", "fallida"]


def _valid_events(value: list[str]) -> list[str]:
    unknown = sorted({e for e in value if e != TODOS and e not in SUSCRIBIBLES})
    if unknown:
        raise ValueError(
            f"eventos desconocidos: {', '.join(unknown)}; válidos: {', '.join(sorted(SUSCRIBIBLES))} o *"
        )
    return sorted(set(value))


class WebhookCreate(Input):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "url": "https://erp.ejemplo.com/webhooks/vetanco",
                    "events": ["caso.creado", "caso.clasificado", "caso.resuelto"],
                    "description": "ERP de calidad",
                }
            ]
        }
    )

    url: str = Field(min_length=8, max_length=2000)
    events: list[str] = Field(min_length=1, max_length=20)
    description: str | None = Field(default=None, max_length=500)

    _events = field_validator("events")(_valid_events)


class WebhookUpdate(Input):
    url: str | None = Field(default=None, min_length=8, max_length=2000)
    events: list[str] | None = Field(default=None, min_length=1, max_length=20)
    description: str | None = Field(default=None, max_length=500)
    enabled: bool | None = None

    @field_validator("events")
    @classmethod
    def _events(cls, value: list[str] | None) -> list[str] | None:
        return _valid_events(value) if value is not None else None


class WebhookRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    url: str
    events: list[str]
    description: str | None
    enabled: bool
    disabled_reason: str | None
    failing_since: datetime | None
    created_at: datetime
    updated_at: datetime


class WebhookCreated(WebhookRead):
    secret: str = Field(description="Secreto de firma (whsec_…); se muestra sólo esta vez.")


class WebhookList(BaseModel):
    data: list[WebhookRead]


class SecretoRotado(BaseModel):
    id: uuid.UUID
    secret: str
    previous_secret_expires_at: datetime


class IntentoRead(BaseModel):
    created_at: datetime
    status_code: int | None
    latency_ms: float
    response_excerpt: str | None
    error: str | None


class EntregaRead(BaseModel):
    id: str = Field(description="webhook-id: estable entre reintentos")
    evento: str
    event_id: uuid.UUID
    estado: EstadoEntrega
    intentos_totales: int
    proximo_intento_at: datetime | None
    created_at: datetime
    delivered_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    payload: dict[str, Any]
    intentos: list[IntentoRead]


class EntregaList(BaseModel):
    data: list[EntregaRead]
    pagination: Pagination


class Reenvio(Success):
    reenviadas: int


class PingEnviado(Success):
    entrega_id: str
