"""Imports every model so metadata and mappers are complete wherever one is used."""

from vetanco.auth.models import ApiKey
from vetanco.casos.models import (
    Adjunto,
    Caso,
    Clasificacion,
    HistorialCaso,
    IdempotencyRecord,
    ProductoAfectado,
    SecuenciaCaso,
)
from vetanco.clientes.models import Cliente
from vetanco.colaboradores.models import Colaborador
from vetanco.db import Base
from vetanco.investigaciones.models import Investigacion
from vetanco.reten.models import RetenAccion, RetenAlerta, RetenEstado, RetenEvento, TareaReten
from vetanco.webhooks.models import OutboxEvent, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from vetanco.whatsapp.models import Conversacion, KapsoEvento, MensajeWhatsapp

__all__ = [
    "Adjunto",
    "ApiKey",
    "Base",
    "Caso",
    "Clasificacion",
    "Cliente",
    "Colaborador",
    "Conversacion",
    "HistorialCaso",
    "IdempotencyRecord",
    "Investigacion",
    "KapsoEvento",
    "MensajeWhatsapp",
    "OutboxEvent",
    "ProductoAfectado",
    "RetenAccion",
    "RetenAlerta",
    "RetenEstado",
    "RetenEvento",
    "SecuenciaCaso",
    "TareaReten",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
]
