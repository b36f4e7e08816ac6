"""The quality team's policies in one value: triage rules, SLA targets, calendar, legal deadlines, lot signals."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from vetanco.config import ObjetivoSla, PlazoRegulatorio, Settings
from vetanco.sla.calendario import Calendario, calendario_desde_texto
from vetanco.triage.clasificador import Reglas, cargar_reglas


@dataclass(frozen=True, slots=True)
class Politicas:
    reglas: Reglas
    umbral_auto: float | None
    similitud_duplicado: float
    calendario: Calendario
    objetivos: dict[str, ObjetivoSla]
    riesgo_fraccion: float
    autoridad: str
    plazo: PlazoRegulatorio
    aviso_dias: int
    senal_min_reclamos: int = 3
    senal_ventana_dias: int = 30

    @classmethod
    def desde(cls, settings: Settings) -> Politicas:
        """Cheap to build: the rule file and the holiday tables are cached by their loaders."""
        return cls(
            reglas=cargar_reglas(settings.triage_rules),
            umbral_auto=settings.triage_auto_threshold,
            similitud_duplicado=settings.duplicado_similitud,
            calendario=calendario_desde_texto(
                horario=settings.sla_horario,
                zona=settings.sla_zona,
                extra_feriados=settings.sla_feriados_extra,
            ),
            objetivos=settings.sla_objetivos,
            riesgo_fraccion=settings.sla_riesgo_fraccion,
            autoridad=settings.regulatorio_autoridad,
            plazo=settings.regulatorio_plazos.get(
                settings.regulatorio_autoridad, PlazoRegulatorio()
            ),
            aviso_dias=settings.regulatorio_aviso_dias,
            senal_min_reclamos=settings.signal_min_cases,
            senal_ventana_dias=settings.signal_window_days,
        )


def get_politicas(request: Request) -> Politicas:
    politicas: Politicas = request.app.state.politicas
    return politicas


PoliticasDep = Annotated[Politicas, Depends(get_politicas)]
