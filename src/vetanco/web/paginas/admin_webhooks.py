"""Webhooks admin: subscriptions, their delivery log, redelivery and a test ping."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from vetanco.db import SessionDep
from vetanco.errors import ValidationFailed, validation_details
from vetanco.schemas import Page
from vetanco.web.deps import Administrador, UsuarioWeb, render
from vetanco.web.paginas.admin import (
    SIN_CACHE,
    EstadoFormulario,
    Formulario,
    avisar,
    aviso_de,
    errores_de,
    texto,
)
from vetanco.webhooks import service
from vetanco.webhooks.events import SUSCRIBIBLES, TODOS
from vetanco.webhooks.schemas import EstadoEntrega, WebhookCreate, WebhookRead, WebhookUpdate

router = APIRouter(prefix="/admin/webhooks")

POR_PAGINA = 20
EVENTOS = [TODOS, *sorted(SUSCRIBIBLES)]
TEXTOS = {"events:too_short": "Elegí al menos un evento."}
EntregaId = Annotated[str, Path(max_length=40)]


def _allow_private(request: Request) -> bool:
    return bool(request.app.state.settings.webhook_allow_private)


def _pagina(
    request: Request,
    session: Session,
    usuario: UsuarioWeb,
    *,
    form: EstadoFormulario | None = None,
    creado: Mapping[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    contexto = {
        "endpoints": [WebhookRead.model_validate(e) for e in service.listar_endpoints(session)],
        "eventos": EVENTOS,
        "form": form or EstadoFormulario(),
        "creado": creado,
        "aviso": aviso_de(request),
    }
    return render(
        request,
        "admin/webhooks.html",
        contexto,
        usuario=usuario,
        status_code=status_code,
        headers=SIN_CACHE if creado else None,
    )


@router.get("")
def lista(request: Request, session: SessionDep, usuario: Administrador) -> Response:
    return _pagina(request, session, usuario)


@router.post("")
def crear(
    request: Request, session: SessionDep, usuario: Administrador, form: Formulario
) -> Response:
    """The API's schema and service (with its SSRF check); the secret is shown this once."""
    valores: dict[str, str | list[str]] = {
        "url": texto(form, "url"),
        "events": [e for e in form.getlist("events") if isinstance(e, str)],
        "description": texto(form, "description"),
    }
    try:
        data = WebhookCreate.model_validate(
            {**valores, "description": valores["description"] or None}
        )
        endpoint, secret = service.crear_endpoint(
            session, data=data, allow_private=_allow_private(request)
        )
    except (ValidationError, ValidationFailed) as exc:
        session.rollback()
        estado = errores_de(exc, valores, TEXTOS)
        return _pagina(request, session, usuario, form=estado, status_code=400)
    creado = {**WebhookRead.model_validate(endpoint).model_dump(), "secret": secret}
    return _pagina(request, session, usuario, creado=creado, status_code=201)


@router.get("/{endpoint_id}")
def detalle(
    endpoint_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    usuario: Administrador,
    estado: Annotated[EstadoEntrega | Literal[""] | None, Query()] = None,
    page: Annotated[Page, Query()] = 1,
) -> Response:
    estado = estado or None
    endpoint = WebhookRead.model_validate(
        service.obtener_endpoint(session, endpoint_id=endpoint_id)
    )
    entregas = service.listar_entregas(
        session, endpoint_id=endpoint_id, estado=estado, page=page, limit=POR_PAGINA
    )
    contexto = {
        "endpoint": endpoint,
        "entregas": entregas.data,
        "paginacion": entregas.pagination,
        "estado": estado,
        "estados": ["pendiente", "entregada", "fallida"],
        "aviso": aviso_de(request),
    }
    return render(request, "admin/webhook.html", contexto, usuario=usuario)


@router.post("/{endpoint_id}/estado")
def habilitar(
    endpoint_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    _usuario: Administrador,
    form: Formulario,
) -> Response:
    """Enable or disable through the API's PATCH schema; enabling clears the failure state."""
    try:
        data = WebhookUpdate.model_validate({"enabled": texto(form, "enabled")})
    except ValidationError as exc:
        raise ValidationFailed(details=validation_details(exc.errors())) from exc
    service.actualizar_endpoint(
        session, endpoint_id=endpoint_id, data=data, allow_private=_allow_private(request)
    )
    aviso = "Webhook habilitado." if data.enabled else "Webhook deshabilitado."
    return avisar(request, aviso, "/admin/webhooks")


@router.get("/{endpoint_id}/eliminar")
def confirmar_eliminacion(
    endpoint_id: uuid.UUID, request: Request, session: SessionDep, usuario: Administrador
) -> Response:
    endpoint = WebhookRead.model_validate(
        service.obtener_endpoint(session, endpoint_id=endpoint_id)
    )
    return render(request, "admin/webhook_eliminar.html", {"endpoint": endpoint}, usuario=usuario)


@router.post("/{endpoint_id}/eliminar")
def eliminar(
    endpoint_id: uuid.UUID, request: Request, session: SessionDep, _usuario: Administrador
) -> Response:
    service.eliminar_endpoint(session, endpoint_id=endpoint_id)
    return avisar(request, "Webhook eliminado.", "/admin/webhooks")


@router.post("/{endpoint_id}/ping")
def ping(
    endpoint_id: uuid.UUID, request: Request, session: SessionDep, _usuario: Administrador
) -> Response:
    entrega = service.ping(session, endpoint_id=endpoint_id)
    aviso = f"Ping encolado (entrega {entrega.public_id})."
    return avisar(request, aviso, f"/admin/webhooks/{endpoint_id}")


@router.post("/{endpoint_id}/entregas/{entrega_id}/reenviar")
def reenviar(
    endpoint_id: uuid.UUID,
    entrega_id: EntregaId,
    request: Request,
    session: SessionDep,
    _usuario: Administrador,
) -> Response:
    """Requeues the very same delivery (same webhook-id), as the API's redeliver does."""
    service.reenviar_entrega(session, endpoint_id=endpoint_id, entrega_id=entrega_id)
    return avisar(
        request, f"Entrega {entrega_id} encolada de nuevo.", f"/admin/webhooks/{endpoint_id}"
    )
