"""The dashboard's menu; each entry shows only to roles that may use it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Entrada:
    titulo: str
    ruta: str
    permiso: str = "leer"


MENU: list[Entrada] = [
    Entrada("Bandeja", "/casos"),
    Entrada("Conversaciones", "/conversaciones"),
    Entrada("Estadísticas", "/estadisticas"),
    Entrada("Señales", "/senales"),
    Entrada("Webhooks", "/admin/webhooks", "administrar"),
    Entrada("Reten", "/admin/reten", "administrar"),
    Entrada("API keys", "/admin/claves", "administrar"),
]


def menu() -> list[Entrada]:
    return MENU
