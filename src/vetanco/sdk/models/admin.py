"""Response models of colaboradores, API keys, webhooks, conversaciones and Reten."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import Field

from vetanco.sdk.models.base import Lista, Modelo, Pagina, Success
from vetanco.sdk.tipos import EstadoEntrega


class ColaboradorRead(Modelo):
    id: uuid.UUID
    nombre: str
    cargo: str
    email: str | None = None
    telefono: str | None = None
    activo: bool = True
    created_at: datetime


class ColaboradorCreado(Success):
    colaborador: ColaboradorRead


ColaboradorList = Lista[ColaboradorRead]


class ApiKeyRead(Modelo):
    id: uuid.UUID
    name: str
    role: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None = None


class ApiKeyCreated(ApiKeyRead):
    key: str = Field(description="The whole key; the API shows it only this once.")


ApiKeyList = Lista[ApiKeyRead]


class WebhookRead(Modelo):
    id: uuid.UUID
    url: str
    events: list[str]
    description: str | None = None
    enabled: bool
    disabled_reason: str | None = None
    failing_since: datetime | None = None
    created_at: datetime
    updated_at: datetime


class WebhookCreated(WebhookRead):
    secret: str = Field(description="Signing secret (whsec_…); shown only this once.")


WebhookList = Lista[WebhookRead]


class SecretoRotado(Modelo):
    id: uuid.UUID
    secret: str
    previous_secret_expires_at: datetime


class IntentoRead(Modelo):
    created_at: datetime
    status_code: int | None = None
    latency_ms: float | None = None
    response_excerpt: str | None = None
    error: str | None = None


class EntregaRead(Modelo):
    """One delivery of an event to an endpoint; `id` is the stable webhook-id header."""

    id: str
    evento: str
    event_id: uuid.UUID
    estado: EstadoEntrega | str
    intentos_totales: int
    proximo_intento_at: datetime | None = None
    created_at: datetime
    delivered_at: datetime | None = None
    last_status_code: int | None = None
    last_error: str | None = None
    payload: dict[str, Any] = Field(default_factory=dict)
    intentos: list[IntentoRead] = Field(default_factory=list)


EntregaList = Pagina[EntregaRead]


class Reenvio(Success):
    reenviadas: int


class PingEnviado(Success):
    entrega_id: str


class ConversacionRead(Modelo):
    id: uuid.UUID
    telefono: str
    contact_name: str | None = None
    paso: str
    requiere_humano: bool
    ultimo_entrante_at: datetime | None = None
    updated_at: datetime


ConversacionList = Lista[ConversacionRead]


class MensajeRead(Modelo):
    id: int
    direccion: str
    tipo: str
    texto: str | None = None
    estado: str
    autor: str
    wamid: str | None = None
    ultimo_error: str | None = None
    created_at: datetime
    contenido: dict[str, Any] = Field(default_factory=dict)


MensajeList = Lista[MensajeRead]


class MensajeCasoList(Lista[MensajeRead]):
    numero_caso: str


class TareaRead(Modelo):
    """A Reten task as mirrored locally."""

    id: str
    title: str | None = None
    description: str | None = None
    status: str | None = None
    priority: str | None = None
    assigned_to: str | None = None
    due_date: datetime | None = None
    remote_created_at: datetime | None = None
    remote_updated_at: datetime | None = None
    numero_caso: str | None = None
    vanished_at: datetime | None = None
    synced_at: datetime | None = None


TareaList = Pagina[TareaRead]


class RetenEstadoRead(Modelo):
    modo: str
    mensaje: str
    ultimo_poll: datetime | None = None
    ultima_reconciliacion_completa: datetime | None = None
    reconciliacion_en_curso_desde_pagina: int | None = None
    tareas_en_espejo: int = 0
    ultimo_webhook: datetime | None = None
    tasa_fallos_webhooks: float | None = None
    alertas: list[dict[str, Any]] = Field(default_factory=list)
    kpis: dict[str, Any] = Field(default_factory=dict)


class EventoWebhook(Modelo):
    """The body of every outgoing webhook: event name, when, and the event's data."""

    event: str
    timestamp: datetime
    data: dict[str, Any] = Field(default_factory=dict)


class Salud(Modelo):
    status: str
    database: str | None = None
