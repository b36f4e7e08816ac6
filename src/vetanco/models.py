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
from vetanco.estadisticas import acumulado  # noqa: F401  (registers the stale-day listeners)
from vetanco.estadisticas.models import (
    ResumenCasosDia,
    ResumenLoteDia,
    ResumenPendiente,
    ResumenProductoDia,
    ResumenSlaDia,
)
from vetanco.farmacovigilancia.models import EventoAdverso
from vetanco.investigaciones.models import Investigacion
from vetanco.productos.models import Producto
from vetanco.reten.models import RetenAccion, RetenAlerta, RetenEstado, RetenEvento, TareaReten
from vetanco.senales.models import Senal, SenalCambio, SenalCaso
from vetanco.sla import resumen as _resumen_sla  # noqa: F401  (registers the case SLA summary)
from vetanco.sla.models import RelojCaso
from vetanco.triage.models import SugerenciaTriage
from vetanco.usuarios.models import Usuario
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
    "EventoAdverso",
    "HistorialCaso",
    "IdempotencyRecord",
    "Investigacion",
    "KapsoEvento",
    "MensajeWhatsapp",
    "OutboxEvent",
    "Producto",
    "ProductoAfectado",
    "RelojCaso",
    "ResumenCasosDia",
    "ResumenLoteDia",
    "ResumenPendiente",
    "ResumenProductoDia",
    "ResumenSlaDia",
    "RetenAccion",
    "RetenAlerta",
    "RetenEstado",
    "RetenEvento",
    "SecuenciaCaso",
    "Senal",
    "SenalCambio",
    "SenalCaso",
    "SugerenciaTriage",
    "TareaReten",
    "Usuario",
    "WebhookAttempt",
    "WebhookDelivery",
    "WebhookEndpoint",
]
