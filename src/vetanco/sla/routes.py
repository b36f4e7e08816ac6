"""/api/casos/{numero}/espera: pause the SLA while waiting on the customer."""

from __future__ import annotations

from fastapi import APIRouter

from vetanco.auth.deps import StateKey
from vetanco.casos.routes import NumeroCaso
from vetanco.db import SessionDep, utcnow
from vetanco.politicas import PoliticasDep
from vetanco.sla import presenters, service
from vetanco.sla.schemas import EsperaIn, SlaRead

router = APIRouter(prefix="/api/casos", tags=["sla"])


@router.put(
    "/{numero_caso}/espera",
    response_model=SlaRead,
    summary="Pausar o reanudar los relojes SLA (esperando al cliente)",
)
def espera(
    numero_caso: NumeroCaso,
    data: EsperaIn,
    session: SessionDep,
    key: StateKey,
    politicas: PoliticasDep,
) -> SlaRead | None:
    caso = service.esperar(
        session, numero_caso=numero_caso, data=data, actor=key.actor, politicas=politicas
    )
    return presenters.sla(caso, politicas, ahora=utcnow())
