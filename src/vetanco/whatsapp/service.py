"""WhatsApp rules: store before acknowledging, process in order, answer through the outbox."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

import structlog
from sqlalchemy.orm import Session

from vetanco.casos import service as casos_service
from vetanco.config import Settings
from vetanco.db import after_commit, utcnow
from vetanco.errors import Conflict, NotFound
from vetanco.politicas import Politicas
from vetanco.sla import service as relojes
from vetanco.wake import wake_dispatcher
from vetanco.whatsapp import bot, cola, repository
from vetanco.whatsapp import media as medios
from vetanco.whatsapp.entrantes import Entrante
from vetanco.whatsapp.models import Conversacion, KapsoEvento, MensajeWhatsapp
from vetanco.whatsapp.salidas import Salida

log = structlog.get_logger(__name__)
MAX_INTENTOS_PROCESO = 5
ORDEN_ESTADOS = {"pendiente": 0, "enviado": 1, "entregado": 2, "leido": 3}
ESTADO_WA = {"sent": "enviado", "delivered": "entregado", "read": "leido", "failed": "fallido"}
VENTANA = timedelta(hours=24)


def filas_de_eventos(
    *, entrantes: list[Entrante], idempotency_key: str | None
) -> list[dict[str, Any]]:
    """The inbox rows of one webhook, built before its turn to write so the commit holds no parsing."""
    ahora = utcnow()
    return [
        {
            "dedup_key": e.dedup_key(idempotency_key, index)[:200],
            "tipo": e.tipo,
            "formato": e.formato,
            "telefono": e.telefono,
            "payload": e.as_dict(),
            "received_at": ahora,
            "attempts": 0,
        }
        for index, e in enumerate(entrantes)
    ]


def guardar_eventos(session: Session, filas: list[dict[str, Any]]) -> None:
    """Durably records each event once; Kapso's retries and batches dedupe on message id / key."""
    if filas:
        repository.insert_eventos(session, filas)
        after_commit(session, wake_dispatcher)


def almacenar(session: Session, *, entrantes: list[Entrante], idempotency_key: str | None) -> None:
    """Stores one webhook's events in the caller's transaction (tools and tests; HTTP groups them)."""
    guardar_eventos(session, filas_de_eventos(entrantes=entrantes, idempotency_key=idempotency_key))


def siguiente_evento(session: Session) -> KapsoEvento | None:
    return repository.claim_evento(session, now=utcnow())


def procesar(session: Session, *, evento: KapsoEvento, settings: Settings) -> KapsoEvento:
    """Runs the bot (or a status update) for one stored event, in the caller's transaction."""
    entrante = Entrante.from_dict(evento.payload)
    if entrante.tipo == "mensaje" and entrante.telefono:
        _mensaje(session, entrante, settings)
    elif entrante.tipo == "estado" and entrante.message_id:
        _estado(session, entrante)
    evento.processed_at = utcnow()
    evento.attempts += 1
    return evento


def registrar_fallo(session: Session, *, evento_id: int, error: str) -> None:
    """A poison event is retried a few times, then set aside so the phone's queue moves on."""
    evento = session.get(KapsoEvento, evento_id)
    if evento is None:
        return
    evento.attempts += 1
    evento.last_error = error[:500]
    if evento.attempts >= MAX_INTENTOS_PROCESO:
        evento.processed_at = utcnow()
        log.error("kapso_event_abandoned", evento=evento_id, error=error[:200])
    else:
        evento.retry_at = utcnow() + timedelta(seconds=2**evento.attempts)


def _conversacion(session: Session, entrante: Entrante) -> Conversacion:
    assert entrante.telefono is not None
    conv = repository.conversacion_por_telefono(session, entrante.telefono)
    if conv is None:
        conv = Conversacion(id=uuid.uuid4(), telefono=entrante.telefono, paso="inicio", datos={})
        session.add(conv)
    conv.phone_number_id = entrante.phone_number_id or conv.phone_number_id
    conv.kapso_conversation_id = entrante.conversation_id or conv.kapso_conversation_id
    conv.contact_name = entrante.contact_name or conv.contact_name
    return conv


def _mensaje(session: Session, entrante: Entrante, settings: Settings) -> None:
    conv = _conversacion(session, entrante)
    now = utcnow()
    session.add(
        MensajeWhatsapp(
            conversacion_id=conv.id,
            direccion="entrante",
            tipo=entrante.kind or "text",
            texto=entrante.texto,
            contenido=entrante.as_dict(),
            wamid=entrante.message_id,
            estado="recibido",
            autor="cliente",
            created_at=now,
        )
    )
    session.flush()
    esperado = medios.ultimo_caso_abierto(session, telefono=conv.telefono)
    if esperado is not None and relojes.pausado(esperado):
        relojes.cliente_respondio(session, caso=esperado, politicas=Politicas.desde(settings))
    inicio_registro = (conv.datos or {}).get("inicio")
    turno = bot.atender(session, conv=conv, entrante=entrante, settings=settings)
    conv.ultimo_entrante_at = now
    conv.updated_at = now
    caso_id = bot.caso_id(turno)
    if caso_id and inicio_registro:
        repository.vincular_transcript(
            session,
            conversacion_id=conv.id,
            caso_id=caso_id,
            desde=datetime.fromisoformat(inicio_registro),
        )
    for salida in turno.salidas:
        encolar(session, conv=conv, salida=salida, autor="bot", caso_id=caso_id)


def encolar(
    session: Session,
    *,
    conv: Conversacion,
    salida: Salida,
    autor: str,
    caso_id: uuid.UUID | None = None,
) -> MensajeWhatsapp:
    return cola.encolar(
        session,
        conv=conv,
        contenido=salida.cuerpo(conv.telefono),
        texto=salida.texto,
        autor=autor,
        caso_id=caso_id,
    )


def _estado(session: Session, entrante: Entrante) -> None:
    assert entrante.message_id is not None
    mensaje = repository.por_wamid(session, entrante.message_id)
    if mensaje is None or mensaje.direccion != "saliente":
        return
    nuevo = ESTADO_WA.get(entrante.status or "", mensaje.estado)
    if nuevo == "fallido":
        mensaje.estado = "fallido"
        mensaje.ultimo_error = (entrante.error or "fallido según WhatsApp")[:500]
    elif ORDEN_ESTADOS.get(nuevo, 0) > ORDEN_ESTADOS.get(mensaje.estado, 0):
        mensaje.estado = nuevo


def conversaciones(session: Session, *, requiere_humano: bool | None) -> list[Conversacion]:
    return repository.conversaciones(session, requiere_humano=requiere_humano)


def pagina_conversaciones(
    session: Session, *, requiere_humano: bool | None, page: int, limit: int
) -> tuple[list[Conversacion], int]:
    """The dashboard pages through conversations instead of the API's capped list."""
    return repository.pagina_conversaciones(
        session, requiere_humano=requiere_humano, offset=(page - 1) * limit, limit=limit
    )


def ventana_abierta(conv: Conversacion) -> bool:
    """Whether staff may still write free text: WhatsApp's 24-hour customer-service window."""
    return conv.ultimo_entrante_at is not None and utcnow() - conv.ultimo_entrante_at <= VENTANA


def obtener_conversacion(session: Session, *, conversacion_id: uuid.UUID) -> Conversacion:
    conv = repository.conversacion(session, conversacion_id)
    if conv is None:
        raise NotFound(f"No existe la conversación {conversacion_id}.")
    return conv


def mensajes_de_conversacion(
    session: Session, *, conversacion_id: uuid.UUID
) -> list[MensajeWhatsapp]:
    obtener_conversacion(session, conversacion_id=conversacion_id)
    return repository.mensajes(session, conversacion_id=conversacion_id)


def mensajes_de_caso(session: Session, *, numero_caso: str) -> tuple[str, list[MensajeWhatsapp]]:
    caso = casos_service.obtener(session, numero_caso=numero_caso)
    return caso.numero_caso, repository.mensajes(session, caso_id=caso.id)


def responder_como_persona(
    session: Session, *, conversacion_id: uuid.UUID, texto: str, actor: str
) -> MensajeWhatsapp:
    """Staff write inside the 24-hour window only; outside it WhatsApp accepts templates alone."""
    conv = obtener_conversacion(session, conversacion_id=conversacion_id)
    if not ventana_abierta(conv):
        raise Conflict(
            "Pasaron más de 24 h desde el último mensaje del cliente: WhatsApp sólo permite plantillas."
        )
    caso = medios.ultimo_caso_abierto(session, telefono=conv.telefono)
    if caso is not None:
        relojes.primera_respuesta(caso)
    return encolar(session, conv=conv, salida=Salida(texto), autor=actor)


def devolver_al_bot(session: Session, *, conversacion_id: uuid.UUID) -> Conversacion:
    conv = obtener_conversacion(session, conversacion_id=conversacion_id)
    conv.requiere_humano = False
    conv.paso = "inicio"
    conv.datos = {}
    conv.updated_at = utcnow()
    session.flush()
    return conv


def resumen_conversacion(conv: Conversacion) -> dict[str, Any]:
    return {
        "id": conv.id,
        "telefono": "+" + conv.telefono,
        "contact_name": conv.contact_name,
        "paso": conv.paso,
        "requiere_humano": conv.requiere_humano,
        "ultimo_entrante_at": conv.ultimo_entrante_at,
        "updated_at": conv.updated_at,
    }
