"""/api/senales: lot signals, their detail and Calidad's decision."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from vetanco.auth.deps import InvestigatorKey, ReaderKey
from vetanco.db import SessionDep
from vetanco.politicas import PoliticasDep
from vetanco.schemas import Limit, Page
from vetanco.senales import service
from vetanco.senales.enums import EstadoSenal
from vetanco.senales.repository import SenalFilters
from vetanco.senales.schemas import SenalActualizada, SenalDetalle, SenalList, SenalUpdate

router = APIRouter(prefix="/api/senales", tags=["senales"])


@router.get("", response_model=SenalList, summary="Listar señales por lote")
def listar(
    session: SessionDep,
    _key: ReaderKey,
    estado: EstadoSenal | None = None,
    producto: Annotated[
        str | None,
        Query(max_length=200, description="Parte del nombre, sin distinguir mayúsculas ni tildes"),
    ] = None,
    lote: Annotated[str | None, Query(max_length=50, examples=["ABC123"])] = None,
    page: Page = 1,
    limit: Limit = 20,
) -> SenalList:
    filters = SenalFilters(estado=estado.value if estado else None, producto=producto, lote=lote)
    return service.listar(session, filters=filters, page=page, limit=limit)


@router.get(
    "/{senal_id}",
    response_model=SenalDetalle,
    summary="Detalle de una señal: casos, clientes, provincias y otros lotes del producto",
)
def detalle(
    senal_id: uuid.UUID, session: SessionDep, _key: ReaderKey, politicas: PoliticasDep
) -> SenalDetalle:
    return SenalDetalle(senal=service.detalle(session, senal_id=senal_id, politicas=politicas))


@router.put(
    "/{senal_id}",
    response_model=SenalActualizada,
    summary="Cambiar el estado de una señal (motivo obligatorio)",
    responses={409: {"description": "Transición no permitida (la señal está cerrada)"}},
)
def actualizar(
    senal_id: uuid.UUID, data: SenalUpdate, session: SessionDep, key: InvestigatorKey
) -> SenalActualizada:
    senal, cambio = service.cambiar_estado(session, senal_id=senal_id, data=data, actor=key.actor)
    return SenalActualizada(senal=service.resumen(session, senal), cambio=cambio)
