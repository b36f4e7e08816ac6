"""GET /api/estadisticas."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from vetanco.auth.deps import ReaderKey
from vetanco.db import SessionDep
from vetanco.estadisticas import service
from vetanco.estadisticas.schemas import Estadisticas
from vetanco.schemas import FechaFiltro

router = APIRouter(prefix="/api/estadisticas", tags=["estadisticas"])


@router.get("", response_model=Estadisticas, summary="Estadísticas generales")
def estadisticas(
    session: SessionDep,
    _key: ReaderKey,
    fecha_desde: Annotated[FechaFiltro | None, Query()] = None,
    fecha_hasta: Annotated[FechaFiltro | None, Query()] = None,
) -> Estadisticas:
    return service.calcular(session, fecha_desde=fecha_desde, fecha_hasta=fecha_hasta)
