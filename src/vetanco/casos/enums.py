"""The spec's enum values, spelled exactly as the public contract spells them."""

from __future__ import annotations

from enum import StrEnum


class TipoCaso(StrEnum):
    reclamo = "reclamo"
    queja = "queja"
    comentario = "comentario"
    pendiente_clasificacion = "pendiente_clasificacion"


class Criticidad(StrEnum):
    critico = "critico"
    mayor = "mayor"
    menor = "menor"


class Justificacion(StrEnum):
    pendiente_investigacion = "pendiente_investigacion"
    justificado = "justificado"
    no_justificado = "no_justificado"


class Estado(StrEnum):
    nuevo = "nuevo"
    en_investigacion = "en_investigacion"
    resuelto = "resuelto"
    cerrado = "cerrado"


class Canal(StrEnum):
    whatsapp = "whatsapp"
    telefono = "telefono"
    email = "email"
    web = "web"
    presencial = "presencial"
    api = "api"


class TipoUsuarioRegistro(StrEnum):
    colaborador_vetanco = "colaborador_vetanco"
    cliente = "cliente"


class EstadoProducto(StrEnum):
    usado = "usado"
    sin_usar = "sin_usar"
    parcialmente_usado = "parcialmente_usado"


TRANSICIONES: dict[Estado, frozenset[Estado]] = {
    Estado.nuevo: frozenset({Estado.en_investigacion, Estado.resuelto}),
    Estado.en_investigacion: frozenset({Estado.resuelto}),
    Estado.resuelto: frozenset({Estado.en_investigacion, Estado.cerrado}),
    Estado.cerrado: frozenset(),
}

ESTADOS_ABIERTOS = (Estado.nuevo.value, Estado.en_investigacion.value)
