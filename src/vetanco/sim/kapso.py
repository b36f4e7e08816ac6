"""Kapso (WhatsApp) simulator on loopback: signed inbound webhooks and a Meta-style send API.

Inbound (sim → our server), two formats:
- ``"kapso"``: Kapso's platform today (payload v2): ``X-Webhook-Event`` / ``X-Webhook-Signature``
  (hex HMAC-SHA256 of the raw body, no prefix) / ``X-Idempotency-Key`` /
  ``X-Webhook-Payload-Version: v2``; body ``{message, conversation, is_new_conversation,
  phone_number_id}`` with a Meta Cloud API ``message`` plus ``message.kapso``.
- ``"spec"``: the simplified spec format: ``X-Kapso-Signature`` and ``{event, timestamp, data}``.
  The spec is silent on button/list replies; the sim sends them as ``type: "interactive"`` with
  ``content: {"button_reply": {id, title}}`` or ``{"list_reply": {id, title[, description]}}``,
  media captions as ``data.media.caption``, and failures as ``message.failed``.

Bodies are serialised with ``separators=(",", ": ")`` and raw UTF-8 on purpose: that matches
neither Python's ``json.dumps`` default nor ``JSON.stringify``, so a receiver that re-serialises
the parsed JSON before checking the signature fails. The signature covers the exact bytes sent.

Outbound (our server → sim): ``POST {api_url}/{phone_number_id}/messages`` with ``X-API-Key``,
validated like WhatsApp (lengths, button and row counts); media via ``GET {api_url}/{media_id}``
and ``GET /media/{media_id}``.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import mimetypes
import threading
import time
import uuid
from datetime import UTC, datetime
from typing import Any, Unpack

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from vetanco.sim.kapso_base import (
    API_VERSION,
    ERRORS,
    JSON,
    STATUSES,
    Delivery,
    Inbound,
    SentMessage,
    _dumps,
    _Media,
    _meta_error,
    _wamid,
    sign,
    validate,
)
from vetanco.sim.server import LoopbackSim, ThreadedServer

__all__ = [
    "API_VERSION",
    "Delivery",
    "Inbound",
    "KapsoSim",
    "SentMessage",
    "serve",
    "sign",
    "validate",
]


class KapsoSim(LoopbackSim):
    _name = "kapso sim"

    def __init__(
        self,
        *,
        api_key: str = "sim-api-key",
        webhook_secret: str = "sim-webhook-secret",  # noqa: S107
        phone_number_id: str = "1234567890",
        business_number: str = "5491144445555",
        target_url: str | None = None,
        port: int = 0,
    ) -> None:
        self.api_key, self.webhook_secret = api_key, webhook_secret
        self.phone_number_id, self.business_number = phone_number_id, business_number
        self.target_url = target_url  # full URL inbound webhooks are POSTed to
        self.timeout = 30.0
        self.sent: list[SentMessage] = []
        self.marked_read: list[str] = []  # message ids our server marked as read
        self.rejected: list[tuple[int, JSON]] = []  # (status, body) of refused sends
        self.last_delivery: Delivery | None = None
        self._lock = threading.Lock()
        self._failures: list[int] = []
        self._media: dict[str, _Media] = {}
        self._conversations: dict[str, str] = {}
        self._written: set[str] = set()
        self._names: dict[str, str] = {}
        self._port = port
        self._http: ThreadedServer | None = None
        meta = "/meta/whatsapp/{version}"
        self.app = Starlette(
            routes=[
                Route(meta + "/{phone_number_id}/messages", self._messages, methods=["POST"]),
                Route(meta + "/{media_id}", self._media_meta, methods=["GET"]),
                Route("/media/{media_id}", self._media_bytes, methods=["GET"]),
                Route("/sim/sent", self._sent_json, methods=["GET"]),
                Route("/sim/inbound", self._inbound_json, methods=["POST"]),
            ]
        )

    # --- lifecycle --------------------------------------------------------------------------

    @property
    def api_url(self) -> str:
        return f"{self.url}/meta/whatsapp/{API_VERSION}"

    # --- outbound side (our server → sim) ---------------------------------------------------

    def sent_snapshot(self) -> list[SentMessage]:
        with self._lock:
            return list(self.sent)

    def wait_for_sent(self, count: int, timeout: float = 20) -> list[SentMessage]:
        deadline = time.monotonic() + timeout
        while len(snapshot := self.sent_snapshot()) < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"sent {len(snapshot)} of {count} messages")
            time.sleep(0.02)
        return snapshot

    def fail_next(self, status: int, times: int = 1) -> None:
        """The next `times` sends (not read receipts) answer `status` and are not recorded."""
        with self._lock:
            self._failures.extend([status] * times)

    def add_media(
        self, media_id: str, content: bytes, mime_type: str, filename: str | None = None
    ) -> str:
        ext = mimetypes.guess_extension(mime_type) or ".bin"
        with self._lock:
            self._media[media_id] = _Media(content, mime_type, filename or f"{media_id}{ext}")
        return f"{self.url}/media/{media_id}"

    def reset(self) -> None:
        with self._lock:
            self.sent.clear()
            self.marked_read.clear()
            self.rejected.clear()
            self._failures.clear()

    def _authorised(self, request: Request) -> bool:
        return hmac.compare_digest(request.headers.get("x-api-key", ""), self.api_key)

    def _unauthorised(self) -> JSONResponse:
        error = {"message": "Invalid or missing API key", "code": 401}
        return JSONResponse({"error": error}, status_code=401)

    async def _messages(self, request: Request) -> Response:
        if not self._authorised(request):
            return self._unauthorised()
        pnid = request.path_params["phone_number_id"]
        try:
            msg = json.loads(await request.body())
        except ValueError:
            return _meta_error(400, 100, "Invalid JSON body")
        if not isinstance(msg, dict):
            return _meta_error(400, 100, "Body must be a JSON object")
        if pnid != self.phone_number_id:
            with self._lock:
                self.rejected.append((400, msg))
            return _meta_error(400, 100, f"Object with ID '{pnid}' does not exist")
        if msg.get("status") == "read":
            if msg.get("messaging_product") != "whatsapp" or not msg.get("message_id"):
                return _meta_error(400, 100, "messaging_product and message_id are required")
            with self._lock:
                self.marked_read.append(str(msg["message_id"]))
            return JSONResponse({"success": True})
        with self._lock:
            failure = self._failures.pop(0) if self._failures else None
            if failure is not None:
                self.rejected.append((failure, msg))
        if failure == 409:
            error = {"message": "Another message is being processed", "code": 409}
            return JSONResponse({"error": error}, status_code=409)
        if failure is not None:
            error = {"message": f"Simulated failure ({failure})", "code": failure}
            return JSONResponse({"error": error}, status_code=failure)
        if (detail := validate(msg)) is not None:
            with self._lock:
                self.rejected.append((400, msg))
            return _meta_error(400, 131009, f"(#131009) Parameter value is not valid: {detail}")
        sent = SentMessage(pnid, msg["to"], msg.get("type", "text"), msg, _wamid())
        with self._lock:
            self.sent.append(sent)
        return JSONResponse(
            {
                "messaging_product": "whatsapp",
                "contacts": [{"input": sent.to, "wa_id": sent.to.removeprefix("+")}],
                "messages": [{"id": sent.message_id}],
            }
        )

    async def _media_meta(self, request: Request) -> Response:
        if not self._authorised(request):
            return self._unauthorised()
        media_id = request.path_params["media_id"]
        pnid = request.query_params.get("phone_number_id")
        if pnid is not None and pnid != self.phone_number_id:
            return _meta_error(400, 100, f"Object with ID '{pnid}' does not exist")
        media = self._media.get(media_id)
        if media is None:
            return _meta_error(404, 100, f"Media '{media_id}' does not exist")
        url = f"{str(request.base_url).rstrip('/')}/media/{media_id}"
        return JSONResponse(
            {
                "messaging_product": "whatsapp",
                "id": media_id,
                "url": url,
                "mime_type": media.mime_type,
                "sha256": hashlib.sha256(media.content).hexdigest(),
                "file_size": len(media.content),
                "download_url": url,
            }
        )

    async def _media_bytes(self, request: Request) -> Response:
        if not self._authorised(request):
            return self._unauthorised()
        media = self._media.get(request.path_params["media_id"])
        if media is None:
            return JSONResponse({"error": {"message": "Media not found", "code": 404}}, 404)
        headers = {}
        if media.filename.isascii():
            headers["Content-Disposition"] = f'inline; filename="{media.filename}"'
        return Response(media.content, media_type=media.mime_type, headers=headers)

    async def _sent_json(self, request: Request) -> Response:
        return JSONResponse([s.body | {"_message_id": s.message_id} for s in self.sent_snapshot()])

    async def _inbound_json(self, request: Request) -> Response:
        """Manual driving in `serve` mode: {"from", "text", "fmt"?} → a signed inbound webhook."""
        data = await request.json()
        response = await asyncio.to_thread(
            self.send_text, str(data["from"]), str(data["text"]), fmt=data.get("fmt", "kapso")
        )
        return JSONResponse({"status": response.status_code, "body": response.text})

    # --- inbound side (sim → our server) ----------------------------------------------------

    def _conversation(self, phone: str, name: str | None, *, inbound: bool) -> tuple[JSON, bool]:
        with self._lock:
            conv_id = self._conversations.setdefault(phone, f"conv_{uuid.uuid4().hex[:24]}")
            new = inbound and phone not in self._written
            if inbound:
                self._written.add(phone)
            if name is not None:
                self._names[phone] = name
            name = self._names.get(phone)
        conversation = {
            "id": conv_id,
            "phone_number": f"+{phone}",
            "status": "active",
            "phone_number_id": self.phone_number_id,
            "kapso": {"contact_name": name} if name else {},
        }
        return conversation, new

    def _entry(
        self, phone: str, mid: str, mtype: str, content: JSON, opts: Inbound, media_id: str | None
    ) -> JSON:
        msg: JSON = {} if opts.get("omit_from") else {"from": phone}
        msg |= {"id": mid, "timestamp": str(int(time.time())), "type": mtype, mtype: content}
        if context_id := opts.get("context_id"):
            msg["context"] = {"from": self.business_number, "id": context_id}
        kapso: JSON = {"direction": "inbound", "status": "received", "origin": "cloud_api"}
        kapso["has_media"] = media_id is not None
        if media_id is not None:
            media = self._media[media_id]
            url = f"{self.url}/media/{media_id}"
            kapso["media_url"] = url
            kapso["media_data"] = {
                "url": url,
                "filename": media.filename,
                "content_type": media.mime_type,
                "byte_size": len(media.content),
            }
        msg["kapso"] = kapso
        conversation, new = self._conversation(phone, opts.get("contact_name"), inbound=True)
        return {
            "message": msg,
            "conversation": conversation,
            "is_new_conversation": new,
            "phone_number_id": self.phone_number_id,
        }

    def _inbound(
        self,
        from_: str,
        mtype: str,
        content: JSON,
        spec_content: JSON,
        fmt: str,
        opts: Inbound,
        media_id: str | None = None,
    ) -> httpx.Response:
        phone, mid = from_.removeprefix("+"), opts.get("message_id") or _wamid("SIMIN")
        if media_id is not None and media_id not in self._media:
            raise KeyError(f"unknown media {media_id!r}: call add_media() first")
        if fmt == "kapso":
            entry = self._entry(phone, mid, mtype, content, opts, media_id)
            return self._post_kapso("whatsapp.message.received", entry, opts.get("url"))
        if fmt != "spec":
            raise ValueError(f"fmt must be 'kapso' or 'spec', not {fmt!r}")
        data: JSON = {"message_id": mid, "from": phone}
        if media_id is None:
            data |= {"to": self.business_number, "type": mtype, "content": spec_content}
            data["timestamp"] = int(time.time())
            return self._post_spec("message.received", data, opts.get("url"))
        media = self._media[media_id]
        data["type"] = mtype
        data["media"] = {
            "id": media_id,
            "mime_type": media.mime_type,
            "url": f"{self.url}/media/{media_id}",
            "size": len(media.content),
            "filename": media.filename,
        }
        if content.get("caption"):
            data["media"]["caption"] = content["caption"]
        return self._post_spec("media.received", data, opts.get("url"))

    def send_text(
        self, from_: str, body: str, *, fmt: str = "kapso", **opts: Unpack[Inbound]
    ) -> httpx.Response:
        return self._inbound(from_, "text", {"body": body}, {"text": body}, fmt, opts)

    def send_button_reply(
        self, from_: str, reply_id: str, title: str, *, fmt: str = "kapso", **opts: Unpack[Inbound]
    ) -> httpx.Response:
        reply = {"id": reply_id, "title": title}
        content = {"type": "button_reply", "button_reply": reply}
        return self._inbound(from_, "interactive", content, {"button_reply": reply}, fmt, opts)

    def send_list_reply(
        self,
        from_: str,
        reply_id: str,
        title: str,
        *,
        description: str | None = None,
        fmt: str = "kapso",
        **opts: Unpack[Inbound],
    ) -> httpx.Response:
        reply = {"id": reply_id, "title": title}
        if description is not None:
            reply["description"] = description
        content = {"type": "list_reply", "list_reply": reply}
        return self._inbound(from_, "interactive", content, {"list_reply": reply}, fmt, opts)

    def _send_media(
        self, kind: str, from_: str, media_id: str, caption: str | None, fmt: str, opts: Inbound
    ) -> httpx.Response:
        media = self._media.get(media_id)
        content: JSON = {"id": media_id}
        if media is not None:
            content["mime_type"] = media.mime_type
            content["sha256"] = hashlib.sha256(media.content).hexdigest()
            if kind == "document":
                content["filename"] = media.filename
        if caption is not None:
            content["caption"] = caption
        return self._inbound(from_, kind, content, {}, fmt, opts, media_id)

    def send_image(
        self,
        from_: str,
        media_id: str,
        *,
        caption: str | None = None,
        fmt: str = "kapso",
        **opts: Unpack[Inbound],
    ) -> httpx.Response:
        """`media_id` must have been add_media()'d (KeyError otherwise)."""
        return self._send_media("image", from_, media_id, caption, fmt, opts)

    def send_document(
        self,
        from_: str,
        media_id: str,
        *,
        caption: str | None = None,
        fmt: str = "kapso",
        **opts: Unpack[Inbound],
    ) -> httpx.Response:
        """`media_id` must have been add_media()'d (KeyError otherwise), typically a PDF."""
        return self._send_media("document", from_, media_id, caption, fmt, opts)

    def send_status(
        self,
        message_id: str,
        status: str,
        *,
        to: str,
        fmt: str = "kapso",
        url: str | None = None,
        error_code: int | None = 131047,
    ) -> httpx.Response:
        """Status of an outbound message; `failed` carries errors[{code: error_code}] unless None."""
        if status not in STATUSES:
            raise ValueError(f"status must be one of {STATUSES}")
        phone, ts = to.removeprefix("+"), int(time.time())
        errors = None
        if status == "failed" and error_code is not None:
            title, details = ERRORS.get(error_code, ("Message failed to send",) * 2)
            error = {"code": error_code, "title": title, "message": title}
            errors = [error | {"error_data": {"details": details}}]
        if fmt == "spec":
            data: JSON = {"message_id": message_id}
            if status in ("sent", "failed"):
                data["to"] = phone
            data["status"] = status
            if errors:
                data["errors"] = errors
            return self._post_spec(f"message.{status}", data, url)
        if fmt != "kapso":
            raise ValueError(f"fmt must be 'kapso' or 'spec', not {fmt!r}")
        st: JSON = {"id": message_id, "status": status, "timestamp": str(ts), "recipient_id": phone}
        msg: JSON = {"id": message_id, "to": phone, "timestamp": str(ts), "status": status}
        kinds = [s.type for s in self.sent_snapshot() if s.message_id == message_id]
        if kinds:
            msg["type"] = kinds[0]
        msg["kapso"] = {
            "direction": "outbound",
            "status": status,
            "origin": "cloud_api",
            "has_media": False,
            "statuses": [st],
        }
        if errors:
            msg["errors"] = st["errors"] = errors
        conversation, _ = self._conversation(phone, None, inbound=False)
        body = {
            "message": msg,
            "conversation": conversation,
            "is_new_conversation": False,
            "phone_number_id": self.phone_number_id,
        }
        return self._post_kapso(f"whatsapp.message.{status}", body, url)

    def send_batch(
        self,
        from_: str,
        bodies: list[str],
        *,
        url: str | None = None,
        contact_name: str | None = None,
    ) -> httpx.Response:
        """Kapso's buffered form (kapso format only): one delivery carrying 1–100 messages."""
        if not 1 <= len(bodies) <= 100:
            raise ValueError("a batch holds between 1 and 100 messages")
        phone, opts = from_.removeprefix("+"), Inbound(contact_name=contact_name)
        entries = [
            self._entry(phone, _wamid("SIMIN"), "text", {"body": b}, opts, None) for b in bodies
        ]
        body = {"type": "whatsapp.message.received", "batch": True, "data": entries}
        extra = {"X-Webhook-Batch": "true", "X-Batch-Size": str(len(entries))}
        return self._post_kapso("whatsapp.message.received", body, url, extra)

    def text_delivery(self, from_: str, body: str, *, url: str | None = None) -> Delivery:
        """The signed delivery `send_text` would POST, for load generators that send it themselves."""
        entry = self._entry(
            from_.removeprefix("+"), _wamid("SIMIN"), "text", {"body": body}, Inbound(), None
        )
        raw = _dumps(entry)
        headers = self._kapso_headers("whatsapp.message.received", raw)
        return Delivery(url or self.target_url or "", raw, headers)

    def _kapso_headers(self, event: str, raw: bytes) -> dict[str, str]:
        return {
            "Content-Type": "application/json",
            "X-Webhook-Event": event,
            "X-Webhook-Signature": sign(raw, self.webhook_secret),
            "X-Idempotency-Key": str(uuid.uuid4()),
            "X-Webhook-Payload-Version": "v2",
        }

    def _post_kapso(
        self, event: str, body: Any, url: str | None, extra: dict[str, str] | None = None
    ) -> httpx.Response:
        raw = _dumps(body)
        headers = {**self._kapso_headers(event, raw), **(extra or {})}
        return self.post_raw(raw, headers, url)

    def _post_spec(self, event: str, data: JSON, url: str | None) -> httpx.Response:
        now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        raw = _dumps({"event": event, "timestamp": now, "data": data})
        headers = {
            "Content-Type": "application/json",
            "X-Kapso-Signature": sign(raw, self.webhook_secret),
        }
        return self.post_raw(raw, headers, url)

    def post_raw(
        self, body: bytes, headers: dict[str, str], url: str | None = None
    ) -> httpx.Response:
        target = url or self.target_url
        if target is None:
            raise ValueError("no target: pass url= or set target_url")
        delivery = Delivery(target, body, dict(headers))
        with self._lock:
            self.last_delivery = delivery
        return httpx.post(target, content=body, headers=headers, timeout=self.timeout)

    def resend_last(self) -> httpx.Response:
        """Re-POSTs the previous delivery byte for byte, same headers and key (Kapso's retries)."""
        last = self.last_delivery
        if last is None:
            raise RuntimeError("nothing delivered yet")
        return httpx.post(last.url, content=last.body, headers=last.headers, timeout=self.timeout)


def serve(
    port: int,
    target_url: str | None,
    api_key: str,
    webhook_secret: str,
    *,
    host: str = "127.0.0.1",
    phone_number_id: str | None = None,
) -> None:
    """Runs the sim in the foreground until interrupted (for `vetanco sim kapso`)."""
    sim = KapsoSim(
        api_key=api_key,
        webhook_secret=webhook_secret,
        target_url=target_url,
        port=port,
        **({"phone_number_id": phone_number_id} if phone_number_id else {}),
    )
    print(f"Kapso sim: VETANCO_KAPSO_API_URL={sim.api_url} → webhooks to {target_url}", flush=True)
    uvicorn.run(sim.app, host=host, port=port, log_level="info")
