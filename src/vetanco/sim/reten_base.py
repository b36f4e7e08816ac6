"""Building blocks of the Reten stand-in: constants, HS256 JWTs, signatures, task data, errors."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

JSON = dict[str, Any]
STATUSES = ("pending", "in_progress", "completed", "cancelled")
PRIORITIES = ("low", "medium", "high", "urgent")
EVENTS = ("task.created", "task.updated", "task.completed")
SCOPES = ("tasks:read", "tasks:write")
TASK_FIELDS = (
    "id",
    "title",
    "description",
    "status",
    "priority",
    "assigned_to",
    "due_date",
    "created_at",
    "updated_at",
)
WEBHOOK_FIELDS = ("id", "title", "status", "assigned_to")
EDITABLE = ("title", "description", "status", "priority", "assigned_to", "due_date")
CODE_TTL = 600
ISSUER = "reten-sim"

# --- HS256 JWT with the standard library ---------------------------------------------------------


class InvalidTokenError(ValueError):
    """Malformed, badly signed, not HS256, or expired."""


def _b64e(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _compact(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


def _key(key: bytes | str) -> bytes:
    return key.encode() if isinstance(key, str) else key


def encode_jwt(claims: JSON, key: bytes | str) -> str:
    header = {"alg": "HS256", "typ": "JWT"}
    signing_input = f"{_b64e(_compact(header))}.{_b64e(_compact(claims))}"
    signature = hmac.new(_key(key), signing_input.encode("ascii"), hashlib.sha256).digest()
    return f"{signing_input}.{_b64e(signature)}"


def decode_jwt(
    token: str, key: bytes | str, *, now: float | None = None, leeway: float = 0
) -> JSON:
    """Claims of a valid token; InvalidTokenError otherwise (``exp`` checked when present)."""
    parts = token.split(".")
    if len(parts) != 3:
        raise InvalidTokenError("malformed token")
    try:
        header, claims = json.loads(_b64d(parts[0])), json.loads(_b64d(parts[1]))
        signature = _b64d(parts[2])
    except ValueError as exc:  # binascii.Error, UnicodeDecodeError and JSONDecodeError included
        raise InvalidTokenError("malformed token") from exc
    if not isinstance(header, dict) or header.get("alg") != "HS256":
        raise InvalidTokenError("algorithm must be HS256")
    expected = hmac.new(_key(key), f"{parts[0]}.{parts[1]}".encode("ascii"), hashlib.sha256)
    if not hmac.compare_digest(signature, expected.digest()):
        raise InvalidTokenError("bad signature")
    if not isinstance(claims, dict):
        raise InvalidTokenError("claims must be an object")
    exp = claims.get("exp")
    if exp is not None:
        if not isinstance(exp, int | float):
            raise InvalidTokenError("exp must be a number")
        if (time.time() if now is None else now) >= exp + leeway:
            raise InvalidTokenError("token expired")
    return claims


def sign(body: bytes, secret: str) -> str:
    """The ``X-Reten-Signature`` value of a webhook body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


# --- small helpers -------------------------------------------------------------------------------


def _iso(dt: datetime, *, micro: bool = False) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ" if micro else "%Y-%m-%dT%H:%M:%SZ")


def parse_iso(value: str) -> datetime:
    """ISO 8601 (``Z`` or offset; a bare date or naive time counts as UTC); ValueError otherwise."""
    dt = datetime.fromisoformat(value.strip())
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt


_UNITS = {"s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60}
_UNITS |= {"h": 3600, "hour": 3600, "d": 86400, "day": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*(?:/|per)\s*(\d*)\s*([a-z]+?)s?\s*$", re.I)


def parse_rate(spec: str) -> tuple[int, float]:
    """``"100/minute"``, ``"10 per second"``, ``"5/30s"`` → (limit, period in seconds)."""
    match = _RATE.match(spec)
    unit = _UNITS.get(match.group(3).lower()) if match else None
    if match is None or unit is None or int(match.group(1)) < 1:
        raise ValueError(f"bad rate limit {spec!r}: use e.g. '100/minute'")
    return int(match.group(1)), float(int(match.group(2) or 1) * unit)


class _BadRequest(Exception):
    pass


def _error(status: int, error: str, message: str | None = None, **headers: str) -> JSONResponse:
    body = {"error": error} | ({"message": message} if message else {})
    return JSONResponse(body, status_code=status, headers=headers or None)


def _oauth_error(status: int, error: str, description: str, **headers: str) -> JSONResponse:
    body = {"error": error, "error_description": description}
    return JSONResponse(body, status_code=status, headers={"Cache-Control": "no-store", **headers})


def _invalid_token(description: str) -> JSONResponse:
    www = f'Bearer realm="reten", error="invalid_token", error_description="{description}"'
    return _error(401, "invalid_token", description, **{"WWW-Authenticate": www})


_FAILURES = {500: "internal", 502: "bad_gateway", 503: "unavailable", 504: "gateway_timeout"}
_FAILURES |= {429: "rate_limited", 404: "not_found", 403: "insufficient_scope"}


def _failure(status: int) -> JSONResponse:
    if status == 401:
        return _invalid_token("simulated failure")
    try:
        phrase = HTTPStatus(status).phrase.lower().replace(" ", "_")
    except ValueError:
        phrase = "simulated"
    error = _FAILURES.get(status, phrase)
    headers = {"Retry-After": "1"} if status in (429, 503) else {}
    return _error(status, error, f"simulated failure ({status})", **headers)


async def _json_body(request: Request) -> JSON:
    try:
        body = json.loads(await request.body())
    except ValueError as exc:
        raise _BadRequest("el cuerpo debe ser JSON") from exc
    if not isinstance(body, dict):
        raise _BadRequest("el cuerpo debe ser un objeto JSON")
    return body


def _check_task(task: JSON) -> None:
    if not isinstance(task.get("title"), str) or not task["title"].strip():
        raise ValueError("title must be a non-empty string")
    if not isinstance(task.get("description"), str):
        raise ValueError("description must be a string")
    if task.get("status") not in STATUSES:
        raise ValueError(f"status must be one of {STATUSES}")
    if task.get("priority") not in PRIORITIES:
        raise ValueError(f"priority must be one of {PRIORITIES}")
    if task.get("assigned_to") is not None and not isinstance(task["assigned_to"], str):
        raise ValueError("assigned_to must be a string or None")
    for key in ("due_date", "created_at", "updated_at"):
        value = task.get(key)
        if value is None and key == "due_date":
            continue
        if not isinstance(value, str) or not value.endswith("Z"):
            raise ValueError(f"{key} must be an ISO 8601 string ending in Z")
        parse_iso(value)


# --- realistic Spanish field visits --------------------------------------------------------------

CLIENTES = (
    "Granja Avícola Los Álamos",
    "Cabaña San Jorge",
    "Criadero Don Pedro",
    "Avícola Santa Rosa",
    "Establecimiento La Esperanza",
    "Porcinos del Litoral",
    "Agropecuaria El Ombú",
    "Granja Las Marías",
    "Tambo La Lucila",
    "Feedlot Los Pinos",
    "Veterinaria El Ceibo",
    "Cooperativa Ganadera Unión",
    "Incubadora San Cayetano",
    "Granja Tres Arroyos",
)
LOCALIDADES = (
    "Pilar",
    "Arrecifes",
    "Colón",
    "Concepción del Uruguay",
    "Marcos Juárez",
    "Río Cuarto",
    "Tandil",
    "Venado Tuerto",
    "Crespo",
    "San Pedro",
    "Rafaela",
)
PRODUCTOS = (
    "Fosbac Plus T",
    "Vitamina E Selenio",
    "Enrofloxacina 10 %",
    "Complejo B inyectable",
    "Electrolitos solubles",
    "Ivermectina 1 %",
    "Sulfatrim",
)
VISITAS = (
    ("Visita a Cliente {c}", "Reunión de seguimiento mensual en {l}."),
    ("Visita a Cliente {c}", "Revisión del plan sanitario del lote y del consumo de {p}."),
    ("Presentación de {p} – {c}", "Charla técnica con el veterinario del establecimiento."),
    ("Capacitación al personal – {c}", "Manejo y dosificación de {p}."),
    ("Toma de muestras – {c}", "Extracción de muestras para laboratorio en {l}."),
    ("Relevamiento de stock – {c}", "Control de vencimientos y stock de {p}."),
    ("Entrega de material técnico – {c}", "Fichas técnicas y folletería de {p}."),
)
RECLAMO = (
    "Seguimiento reclamo {n} – {c}",
    "Visita por el reclamo {n}: verificar el lote de {p} informado por el cliente en {l}.",
)


@dataclass(slots=True)
class _Grant:
    client_id: str
    scope: str
    redirect_uri: str | None = None
    expires: float = math.inf


@dataclass(frozen=True, slots=True)
class _Job:
    event: str
    task_id: str
    webhook_id: str
    url: str
    secret: str
    body: bytes


Handler = Callable[[Request], Awaitable[Response]]


class _Asgi:
    """An ASGI 3 callable around a coroutine (uvicorn takes a bare bound method for ASGI 2)."""

    def __init__(self, call: Callable[[Scope, Receive, Send], Awaitable[None]]) -> None:
        self.call = call

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.call(scope, receive, send)
