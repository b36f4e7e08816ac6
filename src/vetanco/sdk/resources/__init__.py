"""One class per API domain; each works for the sync and the async client alike."""

from vetanco.sdk.resources.admin import (
    ApiKeys,
    Colaboradores,
    Conversaciones,
    Reten,
    SaludResource,
    Webhooks,
)
from vetanco.sdk.resources.calidad import Clientes, EstadisticasResource, Investigaciones, Senales
from vetanco.sdk.resources.casos import Casos

__all__ = [
    "ApiKeys",
    "Casos",
    "Clientes",
    "Colaboradores",
    "Conversaciones",
    "EstadisticasResource",
    "Investigaciones",
    "Reten",
    "SaludResource",
    "Senales",
    "Webhooks",
]
