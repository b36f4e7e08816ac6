"""Pure ASGI middleware: body size limit, rate-limit and Server-Timing headers, access log."""

from __future__ import annotations

import itertools
import os
import re
import secrets
import time
from typing import Any

import structlog
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from vetanco import metricas
from vetanco.errors import PayloadTooLarge

log = structlog.get_logger("vetanco.access")


class BodySizeLimit:
    """Refuses bodies over the limit, by Content-Length up front or while streaming."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length":
                try:
                    too_big = int(value) > self.max_bytes
                except ValueError:
                    too_big = False
                if too_big:
                    response = JSONResponse(PayloadTooLarge().body(), status_code=413)
                    await response(scope, receive, send)
                    return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise HTTPException(status_code=413)
            return message

        await self.app(scope, limited_receive, send)


_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


class _Ids:
    """32 hex chars: a random prefix per process and a counter. os.urandom per request is a
    syscall that showed in the webhook's profile; unique ids need no fresh entropy each time."""

    def __init__(self) -> None:
        self.reiniciar()
        os.register_at_fork(after_in_child=self.reiniciar)

    def reiniciar(self) -> None:
        self.prefijo = secrets.token_hex(10)
        self.contador = itertools.count(1)

    def nuevo(self) -> str:
        return f"{self.prefijo}{next(self.contador):012x}"


_ids = _Ids()


def _request_id(scope: Scope) -> str:
    """The caller's X-Request-ID when it is a sane token, so one id follows a call across systems."""
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            propuesto = value.decode("latin-1").strip()
            if _REQUEST_ID.match(propuesto):
                return str(propuesto)
    return _ids.nuevo()


class ResponseHeadersFromState:
    """Request id, rate-limit headers, server time and metrics on every response; one access log line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status_holder: dict[str, Any] = {}
        request_id = _request_id(scope)
        structlog.contextvars.bind_contextvars(request_id=request_id)

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status_holder["status"] = message["status"]
                server_ms = (time.perf_counter() - started) * 1000
                propios = [
                    (b"server-timing", b"app;dur=%.1f" % server_ms),
                    (b"x-request-id", request_id.encode()),
                ]
                message["headers"] = [*message.get("headers", ()), *propios]
                extra = scope.get("state", {}).get("ratelimit_headers")
                if extra:
                    headers = MutableHeaders(scope=message)
                    for key, value in extra.items():
                        if key not in headers:
                            headers[key] = value
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            segundos = time.perf_counter() - started
            route = scope.get("route")
            plantilla = getattr(route, "path", None) or "(sin ruta)"
            status = int(status_holder.get("status", 500))
            method = str(scope.get("method"))
            metricas.registrar_pedido(method, plantilla, status, segundos)
            state = scope.get("state", {})
            log.info(
                "request",
                method=method,
                path=scope.get("path"),
                route=plantilla,
                status=status,
                ms=round(segundos * 1000, 1),
                actor=state.get("actor"),
            )
            structlog.contextvars.unbind_contextvars("request_id")
