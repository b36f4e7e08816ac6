"""Kapso's webhook on its hot path: checked, stored with a group commit, acknowledged after it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
import structlog
from sqlalchemy.exc import SQLAlchemyError
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from vetanco import metricas
from vetanco.agrupado import EscrituraAgrupada
from vetanco.config import Settings
from vetanco.db import Database
from vetanco.errors import (
    ServiceUnavailable,
    Unauthorized,
    ValidationFailed,
    VetancoError,
    http_error_body,
)
from vetanco.whatsapp import service
from vetanco.whatsapp.entrantes import CuerpoInvalido, FirmaInvalida, parse, verificar_firma

log = structlog.get_logger(__name__)

RUTA = "/webhooks/kapso"
RECIBIDO = b'{"status":"ok","received":true}'


class IngresoKapso:
    """Verifies, parses and stores Kapso webhooks; shared by the ASGI shortcut and the route."""

    def __init__(self, db: Database, settings: Settings) -> None:
        secret = settings.kapso_webhook_secret
        self._secret = secret.get_secret_value() if secret else None
        self._escritura: EscrituraAgrupada[dict[str, Any]] = EscrituraAgrupada(
            db,
            service.guardar_eventos,
            simultaneas=1 if db.is_sqlite else 2,
            al_confirmar=metricas.KAPSO_POR_COMMIT.observe,
        )

    async def recibir(self, *, body: bytes, headers: Mapping[str, str]) -> None:
        """Returns once every event of `body` is committed (or was already stored)."""
        try:
            verificar_firma(body=body, headers=headers, secret=self._secret)
        except FirmaInvalida as exc:
            raise Unauthorized(f"Firma de Kapso inválida: {exc}.") from exc
        try:
            entrantes = parse(body=body, headers=headers)
        except CuerpoInvalido as exc:
            raise ValidationFailed.field(["body"], str(exc)) from exc
        filas = service.filas_de_eventos(
            entrantes=entrantes, idempotency_key=headers.get("x-idempotency-key")
        )
        if not filas:
            return
        try:
            await self._escritura.guardar(filas)
        except SQLAlchemyError as exc:
            log.error("kapso_store_failed", error=type(exc).__name__)
            raise ServiceUnavailable(headers={"Retry-After": "5"}) from exc


class AtajoKapso:
    """POST /webhooks/kapso skips FastAPI's routing and dependencies (~0.4 ms of CPU per call
    with ~100 routes), so the endpoint Kapso hits once per message keeps up with a recall's
    burst. It sits inside the size limit and the access-log middleware, which still apply."""

    def __init__(self, app: ASGIApp, *, ingreso: IngresoKapso, route: object) -> None:
        self.app = app
        self.ingreso = ingreso
        self.route = route

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != RUTA or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        scope["route"] = self.route
        status, headers, body = 200, [], RECIBIDO
        try:
            cuerpo = await _leer(receive)
            if cuerpo is None:
                return
            await self.ingreso.recibir(body=cuerpo, headers=Headers(scope=scope))
        except VetancoError as exc:
            status, body = exc.status_code, orjson.dumps(exc.body())
            headers = [(k.lower().encode(), v.encode()) for k, v in exc.headers.items()]
        except HTTPException as exc:
            status, body = exc.status_code, orjson.dumps(http_error_body(exc))
        except Exception:
            log.exception("unhandled_error", path=RUTA, method="POST")
            status, body = 500, orjson.dumps(VetancoError().body())
        headers += [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


async def _leer(receive: Receive) -> bytes | None:
    """The whole body, or None when the client went away before sending it."""
    partes: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        partes.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(partes)
