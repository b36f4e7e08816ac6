"""States of a lot signal and how one may move between them."""

from __future__ import annotations

from enum import StrEnum


class EstadoSenal(StrEnum):
    abierta = "abierta"
    en_evaluacion = "en_evaluacion"
    descartada = "descartada"
    retiro_de_mercado = "retiro_de_mercado"


class MotivoApertura(StrEnum):
    umbral = "umbral"
    critico = "critico"


class OrigenVinculo(StrEnum):
    apertura = "apertura"
    posterior = "posterior"


VIGENTES = (EstadoSenal.abierta.value, EstadoSenal.en_evaluacion.value)
CERRADAS = (EstadoSenal.descartada.value, EstadoSenal.retiro_de_mercado.value)

TRANSICIONES: dict[EstadoSenal, frozenset[EstadoSenal]] = {
    EstadoSenal.abierta: frozenset(
        {EstadoSenal.en_evaluacion, EstadoSenal.descartada, EstadoSenal.retiro_de_mercado}
    ),
    EstadoSenal.en_evaluacion: frozenset({EstadoSenal.descartada, EstadoSenal.retiro_de_mercado}),
    EstadoSenal.descartada: frozenset(),
    EstadoSenal.retiro_de_mercado: frozenset(),
}
