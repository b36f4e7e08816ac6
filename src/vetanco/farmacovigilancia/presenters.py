"""The adverse-event block of the case detail, with its legal clock."""

from __future__ import annotations

from datetime import datetime

from vetanco.casos.models import Caso
from vetanco.farmacovigilancia.schemas import EventoAdversoRead, ReporteRegulatorioRead
from vetanco.farmacovigilancia.service import CAMPOS_VICH
from vetanco.sla import service as relojes

AVISO = (
    "Plazo configurable (VETANCO_REGULATORIO_PLAZOS); Asuntos Regulatorios debe confirmar el "
    "plazo vigente de la autoridad."
)


def _reporte(caso: Caso, *, ahora: datetime) -> ReporteRegulatorioRead | None:
    ev = caso.evento
    reloj = next(
        (r for r in caso.relojes if r.tipo == relojes.TipoReloj.reporte_regulatorio.value), None
    )
    if ev is None or (reloj is None and ev.reporte_presentado_at is None):
        return None
    if ev.reporte_presentado_at is not None:
        estado = "presentado"
    elif reloj is not None and ahora >= reloj.vence:
        estado = "vencido"
    elif reloj is not None and ahora >= reloj.riesgo_desde:
        estado = "por_vencer"
    else:
        estado = "pendiente"
    dias = None
    if reloj is not None and ":" in reloj.politica:
        dias = int(reloj.politica.rsplit(":", 1)[1].rstrip("d"))
    return ReporteRegulatorioRead(
        autoridad=ev.autoridad,
        plazo_dias=dias,
        vence=reloj.vence if reloj else None,
        estado=estado,
        presentado_at=ev.reporte_presentado_at,
        referencia=ev.reporte_referencia,
        aviso=AVISO,
    )


def evento_adverso(caso: Caso, *, ahora: datetime) -> EventoAdversoRead | None:
    ev = caso.evento
    if ev is None:
        return None
    return EventoAdversoRead(
        es_evento_adverso=caso.evento_adverso,
        origen=ev.origen,
        grave=ev.grave,
        falta_de_eficacia=ev.falta_de_eficacia,
        exposicion_humana=ev.exposicion_humana,
        especie=ev.especie,
        animales_tratados=ev.animales_tratados,
        animales_afectados=ev.animales_afectados,
        animales_muertos=ev.animales_muertos,
        dosis=ev.dosis,
        via_administracion=ev.via_administracion,
        fecha_aplicacion=ev.fecha_aplicacion,
        desenlace=ev.desenlace,
        observaciones=ev.observaciones,
        datos_faltantes=[c for c in CAMPOS_VICH if getattr(ev, c) is None],
        reporte_regulatorio=_reporte(caso, ahora=ahora),
    )
