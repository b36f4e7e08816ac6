"""/api/casos/{numero}/evento-adverso and /reporte-regulatorio."""

from __future__ import annotations

from fastapi import APIRouter

from vetanco.auth.deps import InvestigatorKey
from vetanco.casos.models import Caso
from vetanco.casos.routes import NumeroCaso
from vetanco.db import SessionDep, utcnow
from vetanco.farmacovigilancia import presenters, service
from vetanco.farmacovigilancia.schemas import (
    EventoAdversoResponse,
    EventoAdversoUpdate,
    ReporteRegulatorioIn,
)
from vetanco.politicas import PoliticasDep

router = APIRouter(prefix="/api/casos", tags=["farmacovigilancia"])


def _respuesta(caso: Caso) -> EventoAdversoResponse:
    bloque = presenters.evento_adverso(caso, ahora=utcnow())
    return EventoAdversoResponse(numero_caso=caso.numero_caso, evento_adverso=bloque)


@router.put(
    "/{numero_caso}/evento-adverso",
    response_model=EventoAdversoResponse,
    summary="Marcar, completar o descartar el evento adverso de un caso",
)
def evento_adverso(
    numero_caso: NumeroCaso,
    data: EventoAdversoUpdate,
    session: SessionDep,
    key: InvestigatorKey,
    politicas: PoliticasDep,
) -> EventoAdversoResponse:
    caso = service.actualizar(
        session, numero_caso=numero_caso, data=data, actor=key.actor, politicas=politicas
    )
    return _respuesta(caso)


@router.put(
    "/{numero_caso}/reporte-regulatorio",
    response_model=EventoAdversoResponse,
    summary="Registrar la presentación del reporte a la autoridad",
)
def reporte_regulatorio(
    numero_caso: NumeroCaso, data: ReporteRegulatorioIn, session: SessionDep, key: InvestigatorKey
) -> EventoAdversoResponse:
    caso = service.presentar_reporte(session, numero_caso=numero_caso, data=data, actor=key.actor)
    return _respuesta(caso)
