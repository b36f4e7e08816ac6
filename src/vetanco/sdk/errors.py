"""The SDK's errors: one class per HTTP status family, so callers catch `NoEncontrado`, not 404."""

from __future__ import annotations

import email.utils
import math
import time
from collections.abc import Mapping, Sequence
from typing import Any

import httpx

_LOCATIONS = frozenset({"body", "query", "path", "header", "cookie"})


class VetancoError(Exception):
    """Base of every SDK error: HTTP status, parsed body and request id when there is a response."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        body: Any = None,
        request_id: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.body = body
        self.request_id = request_id
        self.headers: dict[str, str] = dict(headers or {})

    @property
    def code(self) -> str | None:
        """The API's stable error code (`not_found`, `validation_error`, …)."""
        value = self.body.get("error") if isinstance(self.body, dict) else None
        return value if isinstance(value, str) else None

    @property
    def details(self) -> list[dict[str, Any]]:
        """The body's `details`: for validation errors, one entry per offending field."""
        value = self.body.get("details") if isinstance(self.body, dict) else None
        return [d for d in value if isinstance(d, dict)] if isinstance(value, list) else []

    def __str__(self) -> str:
        prefix = f"HTTP {self.status}: " if self.status is not None else ""
        suffix = f" (request id {self.request_id})" if self.request_id else ""
        return f"{prefix}{self.message}{suffix}"


class ErrorDeValidacion(VetancoError):
    """400 (or 422): the server names each offending field in `details[].loc`."""

    @property
    def campos(self) -> list[str]:
        """Offending fields as dotted paths without the location: `cliente.cuit`, `page`."""
        return [campo for d in self.details if (campo := _campo(d.get("loc"))) is not None]

    fields = campos


class NoAutorizado(VetancoError):
    """401: API key missing, unknown or revoked."""


class Prohibido(VetancoError):
    """403: the key's role may not perform the operation."""


class NoEncontrado(VetancoError):
    """404: the resource (or the route) does not exist."""


class Conflicto(VetancoError):
    """409: reused Idempotency-Key, or a change the resource's current state forbids."""


class DemasiadoGrande(VetancoError):
    """413: the request body is over the server's limit."""


class LimiteExcedido(VetancoError):
    """429: over the key's rate limit; `retry_after` is the server's Retry-After in seconds."""

    @property
    def retry_after(self) -> float | None:
        return retry_after_seconds(self.headers.get("retry-after"))


class ErrorDelServidor(VetancoError):
    """5xx: the server failed; idempotent calls were already retried before this is raised."""


class ErrorDeConexion(VetancoError):
    """No HTTP response at all: DNS, refused connection, reset, or the client's timeout."""


class RespuestaInesperada(VetancoError):
    """A 2xx whose body is not what the API documents (not JSON, or the wrong shape)."""


class FirmaInvalida(VetancoError):
    """A webhook whose signature, timestamp or headers do not verify against the secret."""


_BY_STATUS: dict[int, type[VetancoError]] = {
    400: ErrorDeValidacion,
    401: NoAutorizado,
    403: Prohibido,
    404: NoEncontrado,
    409: Conflicto,
    413: DemasiadoGrande,
    422: ErrorDeValidacion,
    429: LimiteExcedido,
}


def _campo(loc: object) -> str | None:
    if not isinstance(loc, Sequence) or isinstance(loc, str) or not loc:
        return None
    parts = list(loc)
    if len(parts) > 1 and parts[0] in _LOCATIONS:
        parts = parts[1:]
    return ".".join(str(p) for p in parts)


def retry_after_seconds(value: str | None, *, now: float | None = None) -> float | None:
    """Retry-After as seconds from now: delta-seconds or an HTTP date; None if absent or bad."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    return max(0.0, seconds) if math.isfinite(seconds) else None


def error_from_response(response: httpx.Response, *, request_id: str | None) -> VetancoError:
    """The error class for the status, carrying the parsed body, headers and request id."""
    try:
        body: Any = response.json()
    except ValueError:
        body = response.text
    message = body.get("message") if isinstance(body, dict) else None
    if not isinstance(message, str):
        message = f"La API respondió HTTP {response.status_code}"
    status = response.status_code
    cls = _BY_STATUS.get(status) or (ErrorDelServidor if status >= 500 else VetancoError)
    return cls(
        message,
        status=status,
        body=body,
        request_id=response.headers.get("x-request-id") or request_id,
        headers={k.lower(): v for k, v in response.headers.items()},
    )
