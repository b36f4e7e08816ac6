"""Conversaciones: WhatsApp chats waiting for a person, their transcript and the staff reply box."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from annotated_types import MaxLen
from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from vetanco.db import SessionDep
from vetanco.errors import Conflict
from vetanco.schemas import Pagination
from vetanco.web.deps import Gestor, Lector, UsuarioWeb, render
from vetanco.whatsapp import service
from vetanco.whatsapp.schemas import MensajeHumano

router = APIRouter()

POR_PAGINA = 25
AVISO = "aviso_conversacion"
MAX_TEXTO = next(
    int(m.max_length) for m in MensajeHumano.model_fields["texto"].metadata if isinstance(m, MaxLen)
)
FILTROS: dict[str, tuple[str, bool | None]] = {
    "humano": ("Esperan a una persona", True),
    "todas": ("Recientes", None),
}


async def _texto(request: Request) -> str:
    """The reply as typed (the form was already parsed by the CSRF check)."""
    valor = (await request.form()).get("texto")
    return valor if isinstance(valor, str) else ""


def _error_de(exc: ValidationError) -> str:
    """WhatsApp's rules in words: the API would say the same, only in JSON."""
    tipo = exc.errors()[0].get("type")
    if tipo == "string_too_long":
        return f"WhatsApp admite hasta {MAX_TEXTO} caracteres por mensaje."
    if tipo in ("string_too_short", "missing"):
        return "Escribí la respuesta antes de enviarla."
    return str(exc.errors()[0].get("msg", "Respuesta inválida."))


def _contexto(
    request: Request,
    session: Session,
    *,
    conversacion_id: uuid.UUID,
    texto: str = "",
    error: str | None = None,
) -> dict[str, Any]:
    conv = service.obtener_conversacion(session, conversacion_id=conversacion_id)
    return {
        "conv": service.resumen_conversacion(conv),
        "ventana_abierta": service.ventana_abierta(conv),
        "mensajes": service.mensajes_de_conversacion(session, conversacion_id=conversacion_id),
        "texto": texto,
        "error": error,
        "max_texto": MAX_TEXTO,
        "aviso": request.session.pop(AVISO, None) if request.method == "GET" else None,
    }


def _fragmento(request: Request, conversacion_id: uuid.UUID) -> bool:
    return request.headers.get("hx-target") == f"conversacion-{conversacion_id}"


@router.get("/conversaciones")
def lista(
    request: Request,
    session: SessionDep,
    usuario: Lector,
    filtro: Literal["humano", "todas"] = "humano",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    _, requiere_humano = FILTROS[filtro]
    convs, total = service.pagina_conversaciones(
        session, requiere_humano=requiere_humano, page=page, limit=POR_PAGINA
    )
    contexto = {
        "conversaciones": [
            {**service.resumen_conversacion(c), "ventana_abierta": service.ventana_abierta(c)}
            for c in convs
        ],
        "paginacion": Pagination.of(total=total, page=page, limit=POR_PAGINA),
        "filtro": filtro,
        "filtros": {clave: titulo for clave, (titulo, _) in FILTROS.items()},
    }
    return render(request, "conversaciones/lista.html", contexto, usuario=usuario)


@router.get("/conversaciones/{conversacion_id}")
def detalle(
    conversacion_id: uuid.UUID, request: Request, session: SessionDep, usuario: Lector
) -> Response:
    contexto = _contexto(request, session, conversacion_id=conversacion_id)
    plantilla = (
        "conversaciones/_conversacion.html"
        if _fragmento(request, conversacion_id)
        else "conversaciones/detalle.html"
    )
    return render(request, plantilla, contexto, usuario=usuario)


@router.post("/conversaciones/{conversacion_id}/responder")
def responder(
    conversacion_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    usuario: Gestor,
    texto: Annotated[str, Depends(_texto)],
) -> Response:
    """Same schema and service as the API's reply: the message is queued in the outbox, not sent."""
    try:
        data = MensajeHumano(texto=texto)
        service.responder_como_persona(
            session,
            conversacion_id=conversacion_id,
            texto=data.texto,
            actor=f"humano:{usuario.principal.name}",
        )
    except ValidationError as exc:
        return _rechazo(request, session, usuario, conversacion_id, texto, _error_de(exc), 400)
    except Conflict as exc:
        return _rechazo(request, session, usuario, conversacion_id, texto, exc.message, 409)
    return _listo(request, session, usuario, conversacion_id, "Respuesta encolada para enviar.")


@router.post("/conversaciones/{conversacion_id}/devolver")
def devolver(
    conversacion_id: uuid.UUID, request: Request, session: SessionDep, usuario: Gestor
) -> Response:
    service.devolver_al_bot(session, conversacion_id=conversacion_id)
    return _listo(request, session, usuario, conversacion_id, "La conversación volvió al bot.")


def _listo(
    request: Request, session: Session, usuario: UsuarioWeb, conversacion_id: uuid.UUID, aviso: str
) -> Response:
    """HTMX gets the refreshed conversation in place; a plain form goes back to its page."""
    if _fragmento(request, conversacion_id):
        contexto = {**_contexto(request, session, conversacion_id=conversacion_id), "aviso": aviso}
        return render(request, "conversaciones/_conversacion.html", contexto, usuario=usuario)
    request.session[AVISO] = aviso
    return RedirectResponse(f"/conversaciones/{conversacion_id}", status_code=303)


def _rechazo(
    request: Request,
    session: Session,
    usuario: UsuarioWeb,
    conversacion_id: uuid.UUID,
    texto: str,
    error: str,
    status: int,
) -> Response:
    """Nothing is kept; the reply comes back with the reason under the box."""
    session.rollback()
    contexto = _contexto(
        request, session, conversacion_id=conversacion_id, texto=texto, error=error
    )
    plantilla = (
        "conversaciones/_conversacion.html"
        if _fragmento(request, conversacion_id)
        else "conversaciones/detalle.html"
    )
    return render(request, plantilla, contexto, usuario=usuario, status_code=status)
