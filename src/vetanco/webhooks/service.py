"""Subscriptions, the outbox write that rides in the caller's transaction, and redelivery."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from vetanco.db import after_commit, utcnow
from vetanco.errors import NotFound, ValidationFailed
from vetanco.net import UnsafeURL, check_url
from vetanco.schemas import Pagination
from vetanco.wake import wake_dispatcher
from vetanco.webhooks import repository, signing
from vetanco.webhooks.events import TODOS, Evento
from vetanco.webhooks.models import OutboxEvent, WebhookDelivery, WebhookEndpoint
from vetanco.webhooks.schemas import (
    EntregaList,
    EntregaRead,
    IntentoRead,
    WebhookCreate,
    WebhookUpdate,
)

ROTATION_GRACE = timedelta(hours=24)


def _url(url: str, *, allow_private: bool) -> str:
    try:
        return check_url(url, allow_private=allow_private)
    except UnsafeURL as exc:
        raise ValidationFailed.field(["body", "url"], str(exc)) from exc


def crear_endpoint(
    session: Session, *, data: WebhookCreate, allow_private: bool
) -> tuple[WebhookEndpoint, str]:
    secret = signing.new_secret()
    now = utcnow()
    endpoint = WebhookEndpoint(
        url=_url(data.url, allow_private=allow_private),
        events=data.events,
        description=data.description,
        secret=secret,
        enabled=True,
        created_at=now,
        updated_at=now,
    )
    session.add(endpoint)
    session.flush()
    return endpoint, secret


def listar_endpoints(session: Session) -> list[WebhookEndpoint]:
    return repository.endpoints(session)


def obtener_endpoint(session: Session, *, endpoint_id: uuid.UUID) -> WebhookEndpoint:
    endpoint = repository.endpoint(session, endpoint_id)
    if endpoint is None:
        raise NotFound(f"No existe el webhook {endpoint_id}.")
    return endpoint


def actualizar_endpoint(
    session: Session, *, endpoint_id: uuid.UUID, data: WebhookUpdate, allow_private: bool
) -> WebhookEndpoint:
    endpoint = obtener_endpoint(session, endpoint_id=endpoint_id)
    if data.url is not None:
        endpoint.url = _url(data.url, allow_private=allow_private)
    if data.events is not None:
        endpoint.events = data.events
    if data.description is not None:
        endpoint.description = data.description
    if data.enabled is not None:
        endpoint.enabled = data.enabled
        if data.enabled:
            endpoint.disabled_reason = None
            endpoint.failing_since = None
        else:
            endpoint.disabled_reason = "deshabilitado manualmente"
    endpoint.updated_at = utcnow()
    session.flush()
    return endpoint


def eliminar_endpoint(session: Session, *, endpoint_id: uuid.UUID) -> None:
    session.delete(obtener_endpoint(session, endpoint_id=endpoint_id))
    session.flush()


def rotar_secreto(session: Session, *, endpoint_id: uuid.UUID) -> tuple[WebhookEndpoint, str]:
    """The old secret keeps signing (as a second signature) for 24 h so receivers can switch."""
    endpoint = obtener_endpoint(session, endpoint_id=endpoint_id)
    now = utcnow()
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = now + ROTATION_GRACE
    endpoint.secret = signing.new_secret()
    endpoint.updated_at = now
    session.flush()
    return endpoint, endpoint.secret


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date | uuid.UUID):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value)!r}")


def _subscribed(endpoint: WebhookEndpoint, event: str) -> bool:
    return TODOS in endpoint.events or event in endpoint.events


def _new_event(evento: Evento, data: dict[str, Any], clave: str, now: datetime) -> OutboxEvent:
    """The body is serialised once, so every retry sends the very same bytes."""
    body = {"event": evento.value, "timestamp": now, "data": data}
    return OutboxEvent(
        id=uuid.uuid4(),
        event=evento.value,
        ordering_key=clave,
        payload=json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=_json_default),
        created_at=now,
    )


def emitir(session: Session, *, evento: Evento, data: dict[str, Any], clave: str) -> OutboxEvent:
    """Writes the event and its deliveries in the caller's transaction: both commit or neither."""
    now = utcnow()
    event = _new_event(evento, data, clave, now)
    session.add(event)
    targets = [
        e for e in repository.endpoints(session, enabled_only=True) if _subscribed(e, evento.value)
    ]
    for endpoint in targets:
        session.add(_delivery(endpoint.id, event, now))
    session.flush()
    if targets:
        after_commit(session, wake_dispatcher)
    return event


def _delivery(endpoint_id: uuid.UUID, event: OutboxEvent, now: datetime) -> WebhookDelivery:
    return WebhookDelivery(
        public_id=f"msg_{uuid.uuid4().hex}",
        endpoint_id=endpoint_id,
        event_id=event.id,
        ordering_key=event.ordering_key,
        estado="pendiente",
        next_attempt_at=now,
        created_at=now,
    )


def ping(session: Session, *, endpoint_id: uuid.UUID) -> WebhookDelivery:
    endpoint = obtener_endpoint(session, endpoint_id=endpoint_id)
    now = utcnow()
    event = _new_event(Evento.ping, {"webhook_id": str(endpoint.id)}, f"ping:{endpoint.id}", now)
    session.add(event)
    delivery = _delivery(endpoint.id, event, now)
    session.add(delivery)
    session.flush()
    after_commit(session, wake_dispatcher)
    return delivery


def _requeue(delivery: WebhookDelivery, now: datetime) -> None:
    delivery.estado = "pendiente"
    delivery.retry_count = 0
    delivery.next_attempt_at = now
    if delivery.lease_until is not None and delivery.lease_until < now:
        delivery.lease_until = (
            None  # an in-flight attempt keeps its lease: no concurrent second send
        )
    delivery.delivered_at = None


def reenviar_entrega(
    session: Session, *, endpoint_id: uuid.UUID, entrega_id: str
) -> WebhookDelivery:
    obtener_endpoint(session, endpoint_id=endpoint_id)
    delivery = repository.delivery(session, endpoint_id=endpoint_id, public_id=entrega_id)
    if delivery is None:
        raise NotFound(f"No existe la entrega {entrega_id} en este webhook.")
    _requeue(delivery, utcnow())
    session.flush()
    after_commit(session, wake_dispatcher)
    return delivery


def reenviar_desde(session: Session, *, endpoint_id: uuid.UUID, desde: datetime) -> int:
    """Replays every subscribed event since `desde`, creating deliveries the endpoint never had."""
    endpoint = obtener_endpoint(session, endpoint_id=endpoint_id)
    now = utcnow()
    events = [
        e for e in repository.events_since(session, desde=desde) if _subscribed(endpoint, e.event)
    ]
    existing = repository.deliveries_for_events(
        session, endpoint_id=endpoint.id, event_ids=[e.id for e in events]
    )
    for event in events:
        delivery = existing.get(event.id)
        if delivery is None:
            session.add(_delivery(endpoint.id, event, now))
        else:
            _requeue(delivery, now)
    session.flush()
    if events:
        after_commit(session, wake_dispatcher)
    return len(events)


def listar_entregas(
    session: Session, *, endpoint_id: uuid.UUID, estado: str | None, page: int, limit: int
) -> EntregaList:
    obtener_endpoint(session, endpoint_id=endpoint_id)
    rows, total = repository.deliveries(
        session, endpoint_id=endpoint_id, estado=estado, offset=(page - 1) * limit, limit=limit
    )
    return EntregaList(
        data=[entrega_read(d) for d in rows],
        pagination=Pagination.of(total=total, page=page, limit=limit),
    )


def entrega_read(delivery: WebhookDelivery) -> EntregaRead:
    return EntregaRead.model_validate(
        {
            "id": delivery.public_id,
            "evento": delivery.event.event,
            "event_id": delivery.event_id,
            "estado": delivery.estado,
            "intentos_totales": delivery.attempt_count,
            "proximo_intento_at": delivery.next_attempt_at
            if delivery.estado == "pendiente"
            else None,
            "created_at": delivery.created_at,
            "delivered_at": delivery.delivered_at,
            "last_status_code": delivery.last_status_code,
            "last_error": delivery.last_error,
            "payload": json.loads(delivery.event.payload),
            "intentos": [
                IntentoRead.model_validate(a, from_attributes=True) for a in delivery.attempts
            ],
        }
    )
