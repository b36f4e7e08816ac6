"""Bandeja: the case list with the API's filters, search, sort, live refresh and export."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import Field

from vetanco.casos import exportar, service
from vetanco.casos.enums import Canal, Criticidad, Estado, TipoCaso
from vetanco.casos.repository import CasoFilters, Orden
from vetanco.db import Database, SessionDep
from vetanco.planillas.escritura import TIPOS, descarga
from vetanco.schemas import FechaFiltro, Pagination, rango
from vetanco.web.deps import Lector, render
from vetanco.web.formularios import FiltrosGet, query_con

router = APIRouter()
POR_PAGINA = 25
ORDENES = {
    "-created_at": "Más nuevos",
    "created_at": "Más viejos",
    "-updated_at": "Actualizados",
    "criticidad": "Criticidad",
    "estado": "Estado",
    "numero_caso": "Número",
}


class FiltrosBandeja(FiltrosGet):
    """The API's list filters; an empty form field means "any", as a person expects."""

    tipo_caso: TipoCaso | None = None
    criticidad: Criticidad | None = None
    estado: Estado | None = None
    canal: Canal | None = None
    fecha_desde: FechaFiltro | None = None
    fecha_hasta: FechaFiltro | None = None
    cliente_id: uuid.UUID | None = None
    numero_lote: str | None = Field(default=None, max_length=50)
    sla: Literal["vencido", "en_riesgo"] | None = None
    evento_adverso: bool | None = None
    q: str | None = Field(default=None, max_length=100)
    orden: Orden = "-created_at"
    page: int = Field(default=1, ge=1, le=100_000)


def _filtros(params: Annotated[FiltrosBandeja, Query()]) -> FiltrosBandeja:
    return params


def _caso_filters(f: FiltrosBandeja) -> CasoFilters:
    desde, hasta = rango(f.fecha_desde, f.fecha_hasta)
    return CasoFilters(
        tipo_caso=f.tipo_caso,
        criticidad=f.criticidad,
        estado=f.estado,
        canal=f.canal,
        cliente_id=f.cliente_id,
        desde=desde,
        hasta=hasta,
        numero_lote=f.numero_lote,
        sla=f.sla,
        evento_adverso=f.evento_adverso,
        q=f.q,
    )


Filtros = Annotated[FiltrosBandeja, Depends(_filtros)]


@router.get("/casos")
def bandeja(
    request: Request,
    session: SessionDep,
    usuario: Lector,
    filtros: Filtros,
) -> Response:
    page, orden = filtros.page, filtros.orden
    casos, total = service.listar(
        session, filters=_caso_filters(filtros), page=page, limit=POR_PAGINA, orden=orden
    )
    contexto = {
        "casos": casos,
        "paginacion": Pagination.of(total=total, page=page, limit=POR_PAGINA),
        "filtros": request.query_params,
        "orden": orden,
        "ordenes": ORDENES,
        "vivo": page == 1 and orden == "-created_at",
        "query": lambda **cambios: query_con(request, **cambios),
        "opciones": {
            "tipo_caso": list(TipoCaso),
            "criticidad": list(Criticidad),
            "estado": list(Estado),
            "canal": list(Canal),
        },
    }
    parcial = request.headers.get("hx-target") == "resultados"
    plantilla = "casos/_resultados.html" if parcial else "casos/bandeja.html"
    return render(request, plantilla, contexto, usuario=usuario)


@router.get("/casos/export")
def exportar_casos(
    request: Request,
    _usuario: Lector,
    filtros: Filtros,
    formato: Literal["csv", "xlsx"] = "csv",
) -> Response:
    db: Database = request.app.state.db
    cuerpo = exportar.stream(
        db, filters=_caso_filters(filtros), orden=filtros.orden, formato=formato
    )
    return StreamingResponse(cuerpo, media_type=TIPOS[formato], headers=descarga("casos", formato))
