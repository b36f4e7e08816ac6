"""Building blocks of the Kapso stand-in: what WhatsApp accepts in a send, and the records kept."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass
from typing import Any, TypedDict

from starlette.responses import JSONResponse

JSON = dict[str, Any]
API_VERSION = "v24.0"
STATUSES = ("sent", "delivered", "read", "failed")
ERRORS = {  # code → (title, details) as Meta reports them in statuses[].errors
    131047: (
        "Re-engagement message",
        "Message failed to send because more than 24 hours have passed since the customer last replied to this number.",
    ),
    131026: ("Message undeliverable", "Message undeliverable"),
}


def sign(body: bytes, secret: str) -> str:
    """Hex HMAC-SHA256 of the raw body (both formats)."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ": "), ensure_ascii=False).encode()


def _wamid(prefix: str = "SIM") -> str:
    return f"wamid.{prefix}{uuid.uuid4().hex.upper()}"


def _dig(obj: Any, *keys: str) -> Any:
    for key in keys:
        obj = obj.get(key) if isinstance(obj, dict) else None
    return obj


@dataclass(frozen=True, slots=True)
class SentMessage:
    phone_number_id: str
    to: str
    type: str
    body: JSON
    message_id: str

    @property
    def text(self) -> str | None:
        value = _dig(self.body, "text", "body") if self.type == "text" else None
        if self.type == "interactive":
            value = _dig(self.body, "interactive", "body", "text")
        return value if isinstance(value, str) else None

    @property
    def buttons(self) -> list[tuple[str, str]]:
        if _dig(self.body, "interactive", "type") != "button":
            return []
        buttons = _dig(self.body, "interactive", "action", "buttons") or []
        return [(b["reply"]["id"], b["reply"]["title"]) for b in buttons]

    @property
    def rows(self) -> list[tuple[str, str]]:
        if _dig(self.body, "interactive", "type") != "list":
            return []
        sections = _dig(self.body, "interactive", "action", "sections") or []
        return [(r["id"], r["title"]) for s in sections for r in s["rows"]]

    @property
    def reply_to(self) -> str | None:
        value = _dig(self.body, "context", "message_id")
        return value if isinstance(value, str) else None


@dataclass(frozen=True, slots=True)
class Delivery:
    url: str
    body: bytes
    headers: dict[str, str]


class Inbound(TypedDict, total=False):
    """Options of every inbound message helper."""

    message_id: str | None  # wamid to use (default: a fresh one)
    url: str | None  # POST here instead of target_url
    contact_name: str | None  # conversation.kapso.contact_name (remembered per phone)
    omit_from: bool  # leave message.from out, as Kapso sometimes does (kapso format)
    context_id: str | None  # wamid being answered → message.context (kapso format)


@dataclass(frozen=True, slots=True)
class _Media:
    content: bytes
    mime_type: str
    filename: str


# --- WhatsApp-like validation of outbound messages: an error message, or None -----------------


def _text(value: Any, limit: int, what: str, *, required: bool = True) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        return f"{what} is required"
    return f"{what} exceeds {limit} characters" if len(value) > limit else None


def _unique(values: list[Any], what: str) -> str | None:
    return None if len(set(values)) == len(values) else f"{what} must be unique"


def _check_buttons(action: JSON) -> str | None:
    buttons = action.get("buttons")
    if not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
        return "interactive.action.buttons must hold between 1 and 3 buttons"
    for i, b in enumerate(buttons):
        reply = _dig(b, "reply")
        if not isinstance(reply, dict) or b.get("type") != "reply":
            return f"button {i} must be {{type: reply, reply: {{id, title}}}}"
        err = _text(reply.get("title"), 20, f"button {i} title") or _text(
            reply.get("id"), 256, f"button {i} id"
        )
        if err:
            return err
    return _unique([b["reply"]["title"] for b in buttons], "button titles") or _unique(
        [b["reply"]["id"] for b in buttons], "button ids"
    )


def _check_list(action: JSON) -> str | None:
    if err := _text(action.get("button"), 20, "list button label"):
        return err
    sections = action.get("sections")
    if not isinstance(sections, list) or not 1 <= len(sections) <= 10:
        return "interactive.action.sections must hold between 1 and 10 sections"
    rows: list[Any] = []
    for i, s in enumerate(sections):
        if not isinstance(s, dict) or not isinstance(s.get("rows"), list) or not s["rows"]:
            return f"section {i} needs rows"
        if err := _text(s.get("title"), 24, f"section {i} title", required=len(sections) > 1):
            return err
        rows.extend(s["rows"])
    if len(rows) > 10:
        return f"a list allows at most 10 rows in total, got {len(rows)}"
    for i, r in enumerate(rows):
        if not isinstance(r, dict):
            return f"row {i} must be an object"
        err = (
            _text(r.get("title"), 24, f"row {i} title")
            or _text(r.get("id"), 200, f"row {i} id")
            or _text(r.get("description"), 72, f"row {i} description", required=False)
        )
        if err:
            return err
    return _unique([r["id"] for r in rows], "row ids")


def _check_interactive(obj: JSON) -> str | None:
    err = (
        _text(_dig(obj, "body", "text"), 1024, "interactive.body.text")
        or _text(_dig(obj, "footer", "text"), 60, "interactive.footer.text", required=False)
        or _text(_dig(obj, "header", "text"), 60, "interactive.header.text", required=False)
    )
    action = obj.get("action")
    if err or not isinstance(action, dict):
        return err or "interactive.action is required"
    if obj.get("type") == "button":
        return _check_buttons(action)
    if obj.get("type") == "list":
        return _check_list(action)
    return "interactive.type must be 'button' or 'list'"


def _check_media(obj: JSON) -> str | None:
    if not isinstance(obj.get("id"), str) and not isinstance(obj.get("link"), str):
        return "media id or link is required"
    return _text(obj.get("caption"), 1024, "caption", required=False)


def _check_template(obj: JSON) -> str | None:
    if err := _text(obj.get("name"), 512, "template.name"):
        return err
    return _text(_dig(obj, "language", "code"), 15, "template.language.code")


_CHECKS = {
    "text": lambda o: _text(o.get("body"), 4096, "text.body"),
    "interactive": _check_interactive,
    "template": _check_template,
    "image": _check_media,
    "document": _check_media,
}


def validate(msg: JSON) -> str | None:
    """Why WhatsApp would reject this send body, or None if it is acceptable."""
    if msg.get("messaging_product") != "whatsapp":
        return "messaging_product must be 'whatsapp'"
    to = msg.get("to")
    if not isinstance(to, str) or not to.removeprefix("+").isdigit():
        return "to must be a phone number"
    kind = msg.get("type", "text")
    if kind not in _CHECKS:
        return f"unsupported message type {kind!r}"
    obj = msg.get(kind)
    return _CHECKS[kind](obj) if isinstance(obj, dict) else f"{kind} object is required"


def _meta_error(status: int, code: int, message: str) -> JSONResponse:
    error = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "SIM"}
    return JSONResponse({"error": error}, status_code=status)
