"""The WhatsApp outbox: an outbound message is a row written in the caller's transaction."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from vetanco.db import after_commit, utcnow
from vetanco.wake import wake_dispatcher
from vetanco.whatsapp.models import Conversacion, MensajeWhatsapp


def encolar(
    session: Session,
    *,
    conv: Conversacion,
    contenido: dict[str, Any],
    texto: str | None,
    autor: str,
    caso_id: uuid.UUID | None = None,
    tipo: str | None = None,
) -> MensajeWhatsapp:
    mensaje = MensajeWhatsapp(
        conversacion_id=conv.id,
        caso_id=caso_id,
        direccion="saliente",
        tipo=tipo or str(contenido.get("type", "text")),
        texto=texto,
        contenido=contenido,
        estado="pendiente",
        autor=autor,
        created_at=utcnow(),
    )
    session.add(mensaje)
    session.flush()
    after_commit(session, wake_dispatcher)
    return mensaje
