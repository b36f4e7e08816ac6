"""POST /webhooks/kapso (signed, no API key) and the staff API over conversations."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import JSONResponse

from vetanco.auth.deps import ReaderKey, StateKey
from vetanco.casos.routes import NumeroCaso
from vetanco.db import SessionDep
from vetanco.whatsapp import service
from vetanco.whatsapp.ingreso import IngresoKapso
from vetanco.whatsapp.schemas import (
    ConversacionList,
    ConversacionRead,
    MensajeCasoList,
    MensajeHumano,
    MensajeList,
    MensajeRead,
    Recibido,
)

kapso_router = APIRouter(tags=["whatsapp"])
api_router = APIRouter(prefix="/api", tags=["whatsapp"])


@kapso_router.post(
    "/webhooks/kapso",
    response_model=Recibido,
    summary="Eventos de Kapso (WhatsApp), en el formato de la especificación o en el real de Kapso",
    responses={
        401: {"description": "Firma faltante o inválida"},
        413: {"description": "Cuerpo mayor a 1 MiB"},
        503: {"description": "No se pudo guardar: nada quedó aceptado, Kapso reintenta"},
    },
)
async def kapso_webhook(request: Request) -> JSONResponse:
    """Verified on the raw bytes, stored durably, acknowledged; the bot runs afterwards."""
    # AtajoKapso serves this path ahead of FastAPI with the same IngresoKapso; the route
    # documents it in the OpenAPI and names it in the metrics
    ingreso: IngresoKapso = request.app.state.ingreso_kapso
    await ingreso.recibir(body=await request.body(), headers=request.headers)
    return JSONResponse(Recibido().model_dump())


@api_router.get(
    "/conversaciones", response_model=ConversacionList, summary="Conversaciones de WhatsApp"
)
def conversaciones(
    session: SessionDep,
    _key: ReaderKey,
    requiere_humano: Annotated[
        bool | None, Query(description="Sólo las que esperan a una persona")
    ] = None,
) -> ConversacionList:
    convs = service.conversaciones(session, requiere_humano=requiere_humano)
    return ConversacionList(
        data=[ConversacionRead.model_validate(service.resumen_conversacion(c)) for c in convs]
    )


@api_router.get(
    "/conversaciones/{conversacion_id}/mensajes",
    response_model=MensajeList,
    summary="Transcripción",
)
def mensajes(conversacion_id: uuid.UUID, session: SessionDep, _key: ReaderKey) -> MensajeList:
    rows = service.mensajes_de_conversacion(session, conversacion_id=conversacion_id)
    return MensajeList(data=[MensajeRead.model_validate(m) for m in rows])


@api_router.post(
    "/conversaciones/{conversacion_id}/mensajes",
    response_model=MensajeRead,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Responder como persona",
)
def responder(
    conversacion_id: uuid.UUID, data: MensajeHumano, session: SessionDep, key: StateKey
) -> MensajeRead:
    mensaje = service.responder_como_persona(
        session, conversacion_id=conversacion_id, texto=data.texto, actor=f"humano:{key.name}"
    )
    return MensajeRead.model_validate(mensaje)


@api_router.post(
    "/conversaciones/{conversacion_id}/devolver-al-bot",
    response_model=ConversacionRead,
    summary="Devolver la conversación al bot",
)
def devolver(conversacion_id: uuid.UUID, session: SessionDep, _key: StateKey) -> ConversacionRead:
    conv = service.devolver_al_bot(session, conversacion_id=conversacion_id)
    return ConversacionRead.model_validate(service.resumen_conversacion(conv))


@api_router.get(
    "/casos/{numero_caso}/mensajes",
    response_model=MensajeCasoList,
    summary="Mensajes de WhatsApp del caso",
)
def mensajes_caso(numero_caso: NumeroCaso, session: SessionDep, _key: ReaderKey) -> MensajeCasoList:
    numero, rows = service.mensajes_de_caso(session, numero_caso=numero_caso)
    return MensajeCasoList(numero_caso=numero, data=[MensajeRead.model_validate(m) for m in rows])
