"""/api/webhooks: subscriptions, delivery log, redelivery (admin only)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status

from vetanco.auth.deps import AdminKey
from vetanco.db import SessionDep
from vetanco.schemas import FechaFiltro, Limit, Page, start_of
from vetanco.webhooks import service
from vetanco.webhooks.schemas import (
    EntregaList,
    EntregaRead,
    EstadoEntrega,
    PingEnviado,
    Reenvio,
    SecretoRotado,
    WebhookCreate,
    WebhookCreated,
    WebhookList,
    WebhookRead,
    WebhookUpdate,
)

router = APIRouter(prefix="/api/webhooks", tags=["webhooks"])


def _allow_private(request: Request) -> bool:
    return bool(request.app.state.settings.webhook_allow_private)


@router.post(
    "",
    response_model=WebhookCreated,
    status_code=status.HTTP_201_CREATED,
    summary="Suscribir una URL",
)
def crear(
    data: WebhookCreate, request: Request, session: SessionDep, _key: AdminKey
) -> WebhookCreated:
    endpoint, secret = service.crear_endpoint(
        session, data=data, allow_private=_allow_private(request)
    )
    return WebhookCreated(**WebhookRead.model_validate(endpoint).model_dump(), secret=secret)


@router.get("", response_model=WebhookList, summary="Listar suscripciones")
def listar(session: SessionDep, _key: AdminKey) -> WebhookList:
    return WebhookList(
        data=[WebhookRead.model_validate(e) for e in service.listar_endpoints(session)]
    )


@router.get("/{endpoint_id}", response_model=WebhookRead, summary="Ver una suscripción")
def detalle(endpoint_id: uuid.UUID, session: SessionDep, _key: AdminKey) -> WebhookRead:
    return WebhookRead.model_validate(service.obtener_endpoint(session, endpoint_id=endpoint_id))


@router.patch(
    "/{endpoint_id}", response_model=WebhookRead, summary="Modificar url, eventos o habilitación"
)
def actualizar(
    endpoint_id: uuid.UUID,
    data: WebhookUpdate,
    request: Request,
    session: SessionDep,
    _key: AdminKey,
) -> WebhookRead:
    endpoint = service.actualizar_endpoint(
        session, endpoint_id=endpoint_id, data=data, allow_private=_allow_private(request)
    )
    return WebhookRead.model_validate(endpoint)


@router.delete(
    "/{endpoint_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Eliminar una suscripción"
)
def eliminar(endpoint_id: uuid.UUID, session: SessionDep, _key: AdminKey) -> Response:
    service.eliminar_endpoint(session, endpoint_id=endpoint_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/{endpoint_id}/rotar-secreto",
    response_model=SecretoRotado,
    summary="Rotar el secreto de firma",
)
def rotar_secreto(endpoint_id: uuid.UUID, session: SessionDep, _key: AdminKey) -> SecretoRotado:
    endpoint, secret = service.rotar_secreto(session, endpoint_id=endpoint_id)
    assert endpoint.previous_secret_expires_at is not None
    return SecretoRotado(
        id=endpoint.id,
        secret=secret,
        previous_secret_expires_at=endpoint.previous_secret_expires_at,
    )


@router.post(
    "/{endpoint_id}/test",
    response_model=PingEnviado,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Enviar un evento ping",
)
def probar(endpoint_id: uuid.UUID, session: SessionDep, _key: AdminKey) -> PingEnviado:
    return PingEnviado(entrega_id=service.ping(session, endpoint_id=endpoint_id).public_id)


@router.get("/{endpoint_id}/entregas", response_model=EntregaList, summary="Registro de entregas")
def entregas(
    endpoint_id: uuid.UUID,
    session: SessionDep,
    _key: AdminKey,
    estado: EstadoEntrega | None = None,
    page: Page = 1,
    limit: Limit = 20,
) -> EntregaList:
    return service.listar_entregas(
        session, endpoint_id=endpoint_id, estado=estado, page=page, limit=limit
    )


@router.post(
    "/{endpoint_id}/entregas/{entrega_id}/reenviar",
    response_model=EntregaRead,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Reenviar una entrega",
)
def reenviar_entrega(
    endpoint_id: uuid.UUID,
    entrega_id: Annotated[str, Path(max_length=40)],
    session: SessionDep,
    _key: AdminKey,
) -> EntregaRead:
    delivery = service.reenviar_entrega(session, endpoint_id=endpoint_id, entrega_id=entrega_id)
    return service.entrega_read(delivery)


@router.post(
    "/{endpoint_id}/reenviar",
    response_model=Reenvio,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Reenviar todo desde una fecha",
)
def reenviar_desde(
    endpoint_id: uuid.UUID,
    desde: Annotated[
        FechaFiltro, Query(description="Fecha o fecha y hora ISO desde la que se reenvía")
    ],
    session: SessionDep,
    _key: AdminKey,
) -> Reenvio:
    since = start_of(desde)
    assert since is not None
    return Reenvio(reenviadas=service.reenviar_desde(session, endpoint_id=endpoint_id, desde=since))
