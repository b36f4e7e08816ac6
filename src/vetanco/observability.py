"""structlog set-up: JSON lines in production, readable lines on a terminal; secrets never logged.

Redaction works on names and on values: a field called like a secret is replaced whole, and any
text that looks like an API key, a webhook secret, a bearer token, a CUIT or a phone number is
masked wherever it appears (a message, an exception, a nested dict), keeping only its last digits.
"""

from __future__ import annotations

import logging
import re
from collections.abc import MutableMapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import orjson
import structlog

if TYPE_CHECKING:
    from vetanco.config import Settings

REDACTADO = "[redactado]"
_SECRET_KEYS = re.compile(
    r"(authorization|api[_-]?key|secret|password|contrase|token|signature|firma|cookie)", re.I
)
_SECRETOS = re.compile(r"\b(vk_|whsec_|Bearer\s+)[A-Za-z0-9+/=._-]{6,}", re.I)
_CUIT = re.compile(r"\b(\d{2})-?(\d{6})(\d{2})-?(\d)\b")
_TELEFONO = re.compile(r"(?<![\w-])\+?\d[\d\s().-]{6,}(\d{3})\b")
_PISTA = re.compile(r"\d|vk_|whsec_|bearer", re.I)


def enmascarar(texto: str) -> str:
    """Keys and tokens vanish; CUIT and phone numbers keep only what a person needs to tell them apart."""
    if not _PISTA.search(texto):
        return texto
    texto = _SECRETOS.sub(lambda m: f"{m.group(1).strip()} {REDACTADO}".strip(), texto)
    texto = _CUIT.sub(lambda m: f"**-******{m.group(3)}-{m.group(4)}", texto)
    return _TELEFONO.sub(lambda m: f"***{m.group(1)}", texto)


@lru_cache(maxsize=1024)
def _es_secreta(clave: str) -> bool:
    """Field names repeat on every line: the regex runs once per name."""
    return _SECRET_KEYS.search(clave) is not None


def _limpiar(valor: Any) -> Any:
    if isinstance(valor, str):
        return enmascarar(valor)
    if isinstance(valor, dict):
        return {k: REDACTADO if _es_secreta(str(k)) else _limpiar(v) for k, v in valor.items()}
    if isinstance(valor, list | tuple):
        return [_limpiar(v) for v in valor]
    return valor


def _redact(_logger: Any, _name: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key in list(event):
        if key in ("timestamp", "level", "request_id"):
            continue
        event[key] = REDACTADO if _es_secreta(key) else _limpiar(event[key])
    return event


def _json(data: Any, **_kw: Any) -> bytes:
    """orjson straight to bytes (structlog's fastest set-up): a log line is on every request's path."""
    return orjson.dumps(data, default=repr)


def configure_logging(*, level: str = "INFO", json: bool = False) -> None:
    logging.basicConfig(format="%(message)s", level=level.upper())
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per outgoing call is noise
    renderer: Any = structlog.dev.ConsoleRenderer()
    factory: Any = structlog.PrintLoggerFactory()
    if json:
        renderer = structlog.processors.JSONRenderer(serializer=_json)
        factory = structlog.BytesLoggerFactory()
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            _redact,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=factory,
        cache_logger_on_first_use=False,
    )


def configurar_proceso(settings: Settings) -> None:
    """What every entry point (`serve`, `worker`, each API process) configures from its settings."""
    configure_logging(level=settings.log_level, json=settings.log_format == "json")
