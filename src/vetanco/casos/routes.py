"""/api/casos: list, detail, create, classify, change state, history."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Header, Path, Query, Request, status
from fastapi.responses import FileResponse, JSONResponse, StreamingResponse

from vetanco.auth.deps import ClassifierKey, CreatorKey, ReaderKey, StateKey
from vetanco.casos import adjuntos, exportar, fusion, presenters, service
from vetanco.casos.enums import Canal, Criticidad, Estado, TipoCaso
from vetanco.casos.repository import CasoFilters, Orden
from vetanco.casos.schemas import (
    CasoClasificar,
    CasoCreado,
    CasoCreate,
    CasoDetalle,
    CasoEstadoResumen,
    CasoEstadoUpdate,
    CasoList,
    ClasificacionResponse,
    EstadoResponse,
    FusionarIn,
    FusionResponse,
    HistorialList,
)
from vetanco.db import SessionDep
from vetanco.planillas.escritura import TIPOS, descarga
from vetanco.politicas import PoliticasDep
from vetanco.schemas import FechaFiltro, Limit, Page, Pagination, rango

router = APIRouter(prefix="/api/casos", tags=["casos"])


NumeroCaso = Annotated[
    str,
    Path(pattern=r"^VET-\d{4}-\d{5,}$", examples=["VET-2025-00123"], description="Número de caso"),
]


def _filtros(
    tipo_caso: TipoCaso | None = None,
    criticidad: Criticidad | None = None,
    estado: Estado | None = None,
    canal: Canal | None = None,
    fecha_desde: Annotated[FechaFiltro | None, Query()] = None,
    fecha_hasta: Annotated[FechaFiltro | None, Query()] = None,
    cliente_id: uuid.UUID | None = None,
    numero_lote: Annotated[str | None, Query(max_length=50)] = None,
    sla: Annotated[
        Literal["vencido", "en_riesgo"] | None,
        Query(description="Casos con un reloj SLA vencido, o en riesgo de vencer"),
    ] = None,
    evento_adverso: bool | None = None,
    q: Annotated[
        str | None,
        Query(max_length=100, description="Texto libre: número, relato, cliente, producto o lote"),
    ] = None,
) -> CasoFilters:
    desde, hasta = rango(fecha_desde, fecha_hasta)
    return CasoFilters(
        tipo_caso=tipo_caso,
        criticidad=criticidad,
        estado=estado,
        canal=canal,
        cliente_id=cliente_id,
        desde=desde,
        hasta=hasta,
        numero_lote=numero_lote,
        sla=sla,
        evento_adverso=evento_adverso,
        q=q,
    )


Filtros = Annotated[CasoFilters, Depends(_filtros)]
OrdenQuery = Annotated[Orden, Query(description="Orden del listado; '-' adelante es descendente")]


@router.get("", response_model=CasoList, summary="Listar casos con filtros")
def listar(
    session: SessionDep,
    _key: ReaderKey,
    filters: Filtros,
    orden: OrdenQuery = "-created_at",
    page: Page = 1,
    limit: Limit = 20,
) -> CasoList:
    casos, total = service.listar(session, filters=filters, page=page, limit=limit, orden=orden)
    return CasoList(data=casos, pagination=Pagination.of(total=total, page=page, limit=limit))


@router.get(
    "/export",
    summary="Exportar los casos filtrados en CSV o XLSX",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "El archivo, generado a medida que se envía (cualquier tamaño)",
            "content": {TIPOS["csv"]: {}, TIPOS["xlsx"]: {}},
        }
    },
)
def exportar_casos(
    request: Request,
    _key: ReaderKey,
    filters: Filtros,
    formato: Annotated[Literal["csv", "xlsx"], Query(description="Formato del archivo")] = "csv",
    orden: OrdenQuery = "-created_at",
) -> StreamingResponse:
    cuerpo = exportar.stream(request.app.state.db, filters=filters, orden=orden, formato=formato)
    return StreamingResponse(cuerpo, media_type=TIPOS[formato], headers=descarga("casos", formato))


@router.get("/{numero_caso}", response_model=CasoDetalle, summary="Detalle completo de un caso")
def detalle(
    numero_caso: NumeroCaso, session: SessionDep, _key: ReaderKey, politicas: PoliticasDep
) -> CasoDetalle:
    caso = service.obtener(session, numero_caso=numero_caso)
    return CasoDetalle(caso=presenters.detalle(caso, politicas))


@router.post(
    "",
    response_model=CasoCreado,
    status_code=status.HTTP_201_CREATED,
    summary="Crear un caso manualmente",
    responses={409: {"description": "Caso duplicado o Idempotency-Key reutilizada"}},
)
def crear(
    data: CasoCreate,
    session: SessionDep,
    key: CreatorKey,
    politicas: PoliticasDep,
    idempotency_key: Annotated[
        str | None,
        Header(
            max_length=255,
            description="Reintentos con la misma clave devuelven la primera respuesta",
        ),
    ] = None,
) -> JSONResponse:
    result = service.crear_caso_idempotente(
        session,
        data=data,
        actor=key.actor,
        api_key_id=key.key_id,
        idempotency_key=idempotency_key,
        politicas=politicas,
    )
    headers = {"Location": f"/api/casos/{result.body['caso']['numero_caso']}"}
    if result.replayed:
        headers["Idempotent-Replayed"] = "true"
    return JSONResponse(result.body, status_code=result.status_code, headers=headers)


@router.put(
    "/{numero_caso}/clasificar",
    response_model=ClasificacionResponse,
    summary="Clasificar o re-clasificar un caso",
)
def clasificar(
    numero_caso: NumeroCaso,
    data: CasoClasificar,
    session: SessionDep,
    key: ClassifierKey,
    politicas: PoliticasDep,
) -> ClasificacionResponse:
    caso, registro = service.clasificar(
        session, numero_caso=numero_caso, data=data, actor=key.actor, politicas=politicas
    )
    return presenters.clasificacion(caso, registro)


@router.put(
    "/{numero_caso}/estado", response_model=EstadoResponse, summary="Cambiar el estado de un caso"
)
def cambiar_estado(
    numero_caso: NumeroCaso, data: CasoEstadoUpdate, session: SessionDep, key: StateKey
) -> EstadoResponse:
    caso = service.cambiar_estado(session, numero_caso=numero_caso, data=data, actor=key.actor)
    return EstadoResponse(
        caso=CasoEstadoResumen.model_validate(
            {"numero_caso": caso.numero_caso, "estado": caso.estado, "updated_at": caso.updated_at}
        )
    )


@router.get(
    "/{numero_caso}/adjuntos/{adjunto_id}",
    response_class=FileResponse,
    summary="Descargar un adjunto almacenado",
    responses={
        200: {"content": {"application/octet-stream": {}}},
        409: {"description": "Aún no descargado"},
    },
)
def adjunto(
    numero_caso: NumeroCaso,
    adjunto_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    _key: ReaderKey,
) -> FileResponse:
    found = adjuntos.archivo(
        session,
        numero_caso=numero_caso,
        adjunto_id=adjunto_id,
        storage_dir=request.app.state.settings.storage_dir,
    )
    return FileResponse(found.path, media_type=found.mime_type, filename=found.nombre)


@router.get(
    "/{numero_caso}/historial",
    response_model=HistorialList,
    summary="Historial (auditoría encadenada) de un caso",
)
def historial(numero_caso: NumeroCaso, session: SessionDep, _key: ReaderKey) -> HistorialList:
    caso, entradas = service.historial_de(session, numero_caso=numero_caso)
    return HistorialList(
        numero_caso=caso.numero_caso, data=[presenters.historial_entry(e) for e in entradas]
    )


@router.post(
    "/{numero_caso}/fusionar",
    response_model=FusionResponse,
    summary="Fusionar un caso duplicado en otro (ambos historiales se conservan)",
)
def fusionar(
    numero_caso: NumeroCaso,
    data: FusionarIn,
    session: SessionDep,
    key: ClassifierKey,
    politicas: PoliticasDep,
) -> FusionResponse:
    return fusion.fusionar(
        session, numero_caso=numero_caso, data=data, actor=key.actor, politicas=politicas
    )
