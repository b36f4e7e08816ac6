"""Kapso inbound webhooks, both the spec's format and Kapso's real one, normalised in one place."""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from typing import Any

import orjson

from vetanco.db import utcnow

_DIGITS = re.compile(r"\D")


class FirmaInvalida(Exception):
    """Missing or wrong signature: 401."""


class CuerpoInvalido(ValueError):
    """Signed but not a Kapso event we understand: 400."""


@dataclass(frozen=True, slots=True)
class Media:
    id: str | None
    url: str | None
    mime_type: str | None
    filename: str | None
    size: int | None


@dataclass(frozen=True, slots=True)
class Entrante:
    """One inbound event, whatever format it came in."""

    tipo: str  # mensaje | estado | conversacion
    formato: str  # spec | kapso
    evento: str
    message_id: str | None
    telefono: str | None
    phone_number_id: str | None = None
    conversation_id: str | None = None
    contact_name: str | None = None
    kind: str | None = None
    texto: str | None = None
    reply_id: str | None = None
    media: Media | None = None
    status: str | None = None
    error: str | None = None
    timestamp: str | None = None

    def dedup_key(self, idempotency_key: str | None, index: int) -> str:
        if self.message_id:
            suffix = self.status or "in"
            return f"{self.tipo}:{suffix}:{self.message_id}"
        if idempotency_key:
            return f"idem:{idempotency_key}:{index}"
        return f"{self.tipo}:{self.evento}:{self.conversation_id}:{self.timestamp}"

    def as_dict(self) -> dict[str, Any]:
        """Field by field: `dataclasses.asdict` recurses and deep-copies, on every webhook's path."""
        data = {name: getattr(self, name) for name in _CAMPOS}
        if self.media is not None:
            data["media"] = asdict(self.media)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Entrante:
        media = data.get("media")
        return cls(**{**data, "media": Media(**media) if media else None})


_CAMPOS = tuple(f.name for f in fields(Entrante))


def verificar_firma(*, body: bytes, headers: Mapping[str, str], secret: str | None) -> None:
    """HMAC-SHA256 over the raw bytes, compared in constant time; either header style is accepted."""
    provided = headers.get("x-webhook-signature") or headers.get("x-kapso-signature")
    if not secret or not provided:
        raise FirmaInvalida("falta la firma")
    provided = provided.strip()
    if provided.lower().startswith("sha256="):
        provided = provided[7:]
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, provided.lower()):
        raise FirmaInvalida("firma inválida")


def _digits(value: Any) -> str | None:
    digits = _DIGITS.sub("", str(value or ""))
    return digits or None


def _iso(ts: Any) -> str:
    try:
        return datetime.fromtimestamp(int(ts), UTC).isoformat()
    except (TypeError, ValueError):
        return str(ts) if ts else utcnow().isoformat()


def parse(*, body: bytes, headers: Mapping[str, str]) -> list[Entrante]:
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise CuerpoInvalido("el cuerpo no es JSON") from exc
    if not isinstance(data, dict):
        raise CuerpoInvalido("el cuerpo debe ser un objeto JSON")
    if "event" in data and "data" in data:
        return [_spec(data)]
    event = headers.get("x-webhook-event") or data.get("type") or ""
    if data.get("batch") is True:
        items = data.get("data")
        if not isinstance(items, list):
            raise CuerpoInvalido("lote sin lista 'data'")
        return [_kapso(str(event), item) for item in items if isinstance(item, dict)]
    if "message" in data or "conversation" in data:
        return [_kapso(str(event), data)]
    raise CuerpoInvalido("formato de evento desconocido")


_SPEC_STATUS = {"message.sent": "sent", "message.delivered": "delivered", "message.read": "read"}


def _spec(data: dict[str, Any]) -> Entrante:
    event = str(data["event"])
    d = data.get("data")
    if not isinstance(d, dict):
        raise CuerpoInvalido("'data' debe ser un objeto")
    ts = str(data.get("timestamp") or "")
    if event in _SPEC_STATUS or event == "message.failed":
        return Entrante(
            tipo="estado",
            formato="spec",
            evento=event,
            message_id=d.get("message_id"),
            telefono=_digits(d.get("to")),
            status=_SPEC_STATUS.get(event, "failed"),
            timestamp=ts,
        )
    if event == "media.received":
        m = d.get("media") or {}
        media = Media(
            m.get("id"), m.get("url"), m.get("mime_type"), m.get("filename"), m.get("size")
        )
        return Entrante(
            tipo="mensaje",
            formato="spec",
            evento=event,
            message_id=d.get("message_id"),
            telefono=_digits(d.get("from")),
            kind=str(d.get("type") or "image"),
            texto=m.get("caption") or d.get("caption"),
            media=media,
            timestamp=ts,
        )
    if event == "message.received":
        content = d.get("content") or {}
        reply = content.get("button_reply") or content.get("list_reply") or {}
        return Entrante(
            tipo="mensaje",
            formato="spec",
            evento=event,
            message_id=d.get("message_id"),
            telefono=_digits(d.get("from")),
            phone_number_id=d.get("phone_number_id"),
            kind=str(d.get("type") or "text"),
            texto=content.get("text") or reply.get("title"),
            reply_id=reply.get("id"),
            timestamp=ts,
        )
    raise CuerpoInvalido(f"evento desconocido: {event}")


_KAPSO_STATUS = {
    "whatsapp.message.sent": "sent",
    "whatsapp.message.delivered": "delivered",
    "whatsapp.message.read": "read",
    "whatsapp.message.failed": "failed",
}


def _kapso(event: str, data: dict[str, Any]) -> Entrante:
    message = data.get("message") or {}
    conversation = data.get("conversation") or {}
    kapso = message.get("kapso") or {}
    phone_number_id = data.get("phone_number_id") or conversation.get("phone_number_id")
    telefono = _digits(message.get("from")) or _digits(conversation.get("phone_number"))
    common: dict[str, Any] = {
        "formato": "kapso",
        "evento": event,
        "message_id": message.get("id"),
        "telefono": telefono,
        "phone_number_id": phone_number_id,
        "conversation_id": conversation.get("id"),
        "contact_name": (conversation.get("kapso") or {}).get("contact_name"),
        "timestamp": _iso(message.get("timestamp")),
    }
    if event in _KAPSO_STATUS:
        errors = message.get("errors") or (message.get("statuses") or [{}])[-1].get("errors") or []
        error = None
        if errors:
            first = errors[0]
            error = f"{first.get('code', '')} {first.get('title') or first.get('message') or ''}".strip()
        return Entrante(tipo="estado", status=_KAPSO_STATUS[event], error=error, **common)
    if event.startswith("whatsapp.conversation."):
        return Entrante(tipo="conversacion", **{**common, "message_id": None})
    if kapso.get("direction") == "outbound" or kapso.get("origin") in (
        "business_app",
        "history_sync",
    ):
        return Entrante(tipo="eco", **common)
    kind = str(message.get("type") or "text")
    raw = message.get(kind)
    body: dict[str, Any] = raw if isinstance(raw, dict) else {}
    interactive = message.get("interactive") or {}
    reply = interactive.get("button_reply") or interactive.get("list_reply") or {}
    texto = (
        (message.get("text") or {}).get("body")
        or reply.get("title")
        or body.get("caption")
        or (kapso.get("transcript") or {}).get("text")
    )
    media = None
    if kapso.get("has_media") or kind in ("image", "document", "audio", "video"):
        md = kapso.get("media_data") or {}
        media = Media(
            body.get("id"),
            kapso.get("media_url") or md.get("url"),
            md.get("content_type") or body.get("mime_type"),
            md.get("filename") or body.get("filename"),
            md.get("byte_size"),
        )
    return Entrante(
        tipo="mensaje", kind=kind, texto=texto, reply_id=reply.get("id"), media=media, **common
    )
