"""POST /api/casos/{numero_caso}/investigacion and /api/investigaciones/{id}."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from vetanco.auth.deps import InvestigatorKey, ReaderKey
from vetanco.casos.presenters import investigacion_resumen
from vetanco.casos.routes import NumeroCaso
from vetanco.db import SessionDep
from vetanco.investigaciones import service
from vetanco.investigaciones.schemas import (
    InvestigacionActualizada,
    InvestigacionActualizadaResumen,
    InvestigacionCreada,
    InvestigacionCreate,
    InvestigacionDetalle,
    InvestigacionIniciada,
    InvestigacionRead,
    InvestigacionUpdate,
)

router = APIRouter(tags=["investigaciones"])


@router.post(
    "/api/casos/{numero_caso}/investigacion",
    response_model=InvestigacionCreada,
    status_code=status.HTTP_201_CREATED,
    summary="Iniciar la investigación de un caso",
)
def iniciar(
    numero_caso: NumeroCaso, data: InvestigacionCreate, session: SessionDep, key: InvestigatorKey
) -> InvestigacionCreada:
    inv = service.iniciar(session, numero_caso=numero_caso, data=data, actor=key.actor)
    return InvestigacionCreada(
        investigacion=InvestigacionIniciada.model_validate(
            {
                "id": inv.id,
                "caso_numero": numero_caso,
                "investigador": inv.investigador.nombre,
                "fecha_inicio": inv.fecha_inicio,
                "estado": inv.estado,
            }
        )
    )


@router.get(
    "/api/investigaciones/{investigacion_id}",
    response_model=InvestigacionDetalle,
    summary="Ver una investigación",
)
def detalle(
    investigacion_id: uuid.UUID, session: SessionDep, _key: ReaderKey
) -> InvestigacionDetalle:
    inv = service.obtener(session, investigacion_id=investigacion_id)
    resumen = investigacion_resumen(inv)
    assert resumen is not None
    return InvestigacionDetalle(
        investigacion=InvestigacionRead(
            **resumen.model_dump(),
            caso_numero=inv.caso.numero_caso,
            created_at=inv.created_at,
            updated_at=inv.updated_at,
        )
    )


@router.put(
    "/api/investigaciones/{investigacion_id}",
    response_model=InvestigacionActualizada,
    summary="Actualizar el progreso de una investigación",
)
def actualizar(
    investigacion_id: uuid.UUID,
    data: InvestigacionUpdate,
    session: SessionDep,
    key: InvestigatorKey,
) -> InvestigacionActualizada:
    inv = service.actualizar(session, investigacion_id=investigacion_id, data=data, actor=key.actor)
    return InvestigacionActualizada(
        investigacion=InvestigacionActualizadaResumen.model_validate(
            {"id": inv.id, "estado": inv.estado, "updated_at": inv.updated_at}
        )
    )
