"""Outgoing event names; the spec's three plus the ones a case's life needs."""

from __future__ import annotations

from enum import StrEnum


class Evento(StrEnum):
    caso_creado = "caso.creado"
    caso_clasificado = "caso.clasificado"
    caso_estado_actualizado = "caso.estado_actualizado"
    caso_resuelto = "caso.resuelto"
    caso_cerrado = "caso.cerrado"
    caso_sla_vencido = "caso.sla_vencido"
    caso_reporte_regulatorio_por_vencer = "caso.reporte_regulatorio_por_vencer"
    caso_posible_duplicado = "caso.posible_duplicado"
    caso_fusionado = "caso.fusionado"
    lote_senal_detectada = "lote.senal_detectada"
    investigacion_iniciada = "investigacion.iniciada"
    investigacion_actualizada = "investigacion.actualizada"
    integracion_alerta = "integracion.alerta"
    ping = "ping"


SUSCRIBIBLES = frozenset(e.value for e in Evento if e is not Evento.ping)
TODOS = "*"
