"""/api/reten: the task mirror and the connector's status."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import Field
from starlette.concurrency import run_in_threadpool

from vetanco.auth.deps import ReaderKey, StateKey
from vetanco.casos.routes import NumeroCaso
from vetanco.db import Database, SessionDep
from vetanco.errors import Unauthorized, ValidationFailed
from vetanco.reten import entrantes, oauth, service
from vetanco.reten.schemas import RetenEstadoRead, TareaList, TareaRead
from vetanco.schemas import FechaFiltro, Input, Limit, Page, rango

router = APIRouter(prefix="/api/reten", tags=["reten"])
webhook_router = APIRouter(tags=["reten"])
casos_router = APIRouter(tags=["reten"])


def _store(db: Database, body: bytes, data: dict[str, Any]) -> None:
    with db.transaction() as session:
        entrantes.almacenar(session, body=body, data=data)


@webhook_router.get(
    "/oauth/reten/callback", summary="Vuelta del login OAuth de Reten (authorization code)"
)
def oauth_callback(
    request: Request,
    session: SessionDep,
    code: Annotated[str, Query(min_length=1, max_length=2000)],
    state: Annotated[str, Query(min_length=1, max_length=200)],
) -> JSONResponse:
    """Public by necessity (the browser lands here); the signed state and the code protect it."""
    oauth.canjear_codigo(session, settings=request.app.state.settings, code=code, state=state)
    return JSONResponse(
        {"status": "ok", "mensaje": "Reten autorizado: el conector ya puede sincronizar."}
    )


@webhook_router.post(
    "/webhooks/reten", summary="Webhooks de tareas de Reten (firmados con X-Reten-Signature)"
)
async def reten_webhook(request: Request) -> JSONResponse:
    """Checked on the raw bytes in constant time, stored, acknowledged; applied by the worker."""
    body = await request.body()
    secret = request.app.state.settings.reten_webhook_secret
    try:
        entrantes.verificar(
            body=body,
            signature=request.headers.get("x-reten-signature"),
            secret=secret.get_secret_value() if secret else None,
        )
    except entrantes.FirmaInvalida as exc:
        raise Unauthorized(f"Firma de Reten inválida: {exc}.") from exc
    try:
        data = entrantes.parse(body)
    except entrantes.CuerpoInvalido as exc:
        raise ValidationFailed.field(["body"], str(exc)) from exc
    db: Database = request.app.state.db
    async with db.turno_de_escritura():
        await run_in_threadpool(_store, db, body, data)
    return JSONResponse({"status": "ok", "received": True})


Status = Annotated[str | None, Query(pattern="^(pending|in_progress|completed|cancelled)$")]
Priority = Annotated[str | None, Query(pattern="^(low|medium|high|urgent)$")]


@router.get("/tareas", response_model=TareaList, summary="Tareas de Reten (espejo local)")
def tareas(
    session: SessionDep,
    _key: ReaderKey,
    status: Status = None,
    assigned_to: Annotated[str | None, Query(max_length=100)] = None,
    priority: Priority = None,
    due_date_from: Annotated[FechaFiltro | None, Query()] = None,
    due_date_to: Annotated[FechaFiltro | None, Query()] = None,
    numero_caso: Annotated[str | None, Query(pattern=r"^VET-\d{4}-\d{5,}$")] = None,
    page: Page = 1,
    limit: Limit = 20,
) -> TareaList:
    desde, hasta = rango(due_date_from, due_date_to)
    return service.listar_tareas(
        session,
        status=status,
        assigned_to=assigned_to,
        priority=priority,
        due_desde=desde,
        due_hasta=hasta,
        numero_caso=numero_caso,
        page=page,
        limit=limit,
    )


@router.get("/tareas/{task_id}", response_model=TareaRead, summary="Una tarea de Reten")
def tarea(
    task_id: Annotated[str, Path(max_length=100)], session: SessionDep, _key: ReaderKey
) -> TareaRead:
    return service.obtener_tarea(session, task_id=task_id)


@router.get(
    "/estado",
    response_model=RetenEstadoRead,
    summary="Estado del conector Reten (modo, KPIs, alertas)",
)
def estado(request: Request, session: SessionDep, _key: ReaderKey) -> RetenEstadoRead:
    return service.estado_conector(session, settings=request.app.state.settings)


class Vinculo(Input):
    task_id: str = Field(min_length=1, max_length=100, examples=["task_001"])


@casos_router.post(
    "/api/casos/{numero_caso}/tareas-reten",
    response_model=TareaRead,
    status_code=201,
    summary="Vincular una tarea de Reten al caso",
)
def vincular(
    numero_caso: NumeroCaso, data: Vinculo, session: SessionDep, key: StateKey
) -> TareaRead:
    return service.vincular_a_mano(
        session, numero_caso=numero_caso, task_id=data.task_id, actor=key.actor
    )


@casos_router.get(
    "/api/casos/{numero_caso}/tareas-reten",
    response_model=TareaList,
    summary="Tareas de Reten del caso",
)
def tareas_del_caso(numero_caso: NumeroCaso, session: SessionDep, _key: ReaderKey) -> TareaList:
    return service.tareas_de_caso(session, numero_caso=numero_caso)
