"""Prometheus metrics, counted only after the transaction that caused them commits.

Several processes (API workers started by `vetanco serve --workers N`, separate `vetanco worker`
processes) share one count when PROMETHEUS_MULTIPROC_DIR points them at the same directory:
`/metrics` then sums every process's files (prometheus-client's multiprocess mode).
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from functools import lru_cache
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from sqlalchemy import event
from sqlalchemy.orm import Session

from vetanco.casos.models import Caso
from vetanco.db import after_commit
from vetanco.errors import Forbidden

LATENCIAS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
RETRASOS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 3600.0)

HTTP_PEDIDOS = Counter(
    "vetanco_http_requests",
    "Pedidos HTTP atendidos, por método, plantilla de ruta y código de estado.",
    ["method", "route", "status"],
)
HTTP_LATENCIA = Histogram(
    "vetanco_http_request_duration_seconds",
    "Tiempo de servidor de cada pedido HTTP, por método y plantilla de ruta.",
    ["method", "route"],
    buckets=LATENCIAS,
)
CASOS_CREADOS = Counter(
    "vetanco_casos_creados", "Casos creados (confirmados en la base), por canal.", ["canal"]
)
WEBHOOK_ENTREGAS = Counter(
    "vetanco_webhook_entregas",
    "Intentos de entrega de webhooks salientes, por resultado (entregada, reintento, fallida).",
    ["resultado"],
)
WEBHOOK_RETRASO = Histogram(
    "vetanco_webhook_retraso_seconds",
    "Desde que el evento se confirmó hasta la respuesta 2xx del receptor.",
    buckets=RETRASOS,
)
KAPSO_POR_COMMIT = Histogram(
    "vetanco_kapso_webhooks_por_commit",
    "Webhooks de Kapso confirmados juntos en cada commit del ingreso (commit agrupado).",
    buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256),
)
CONVERSACIONES = Counter(
    "vetanco_bot_conversaciones",
    "Conversaciones del bot de WhatsApp que terminaron, por resultado.",
    ["resultado"],
)
RETEN_LLAMADAS = Counter(
    "vetanco_reten_llamadas",
    "Llamadas a la API de Reten, por resultado (ok, rate_limit, server, timeout, …).",
    ["resultado"],
)
RETEN_LATENCIA = Histogram(
    "vetanco_reten_latencia_seconds", "Latencia de las llamadas a Reten.", buckets=LATENCIAS
)
RETEN_ERRORES_SEGUIDOS = Gauge(
    "vetanco_reten_errores_consecutivos",
    "Errores seguidos en las llamadas a Reten (0 tras un éxito).",
    multiprocess_mode="livemax",
)
RETEN_CUOTA = Gauge(
    "vetanco_reten_rate_limit_restante",
    "Pedidos que Reten todavía permite en la ventana actual (X-RateLimit-Remaining).",
    multiprocess_mode="livemin",
)


def al_confirmar(session: Session, contador: Counter, **etiquetas: str) -> None:
    """Counts once the session's transaction commits, so a rollback is never counted."""
    after_commit(session, lambda: contador.labels(**etiquetas).inc())


@event.listens_for(Session, "after_flush")
def _casos_nuevos(session: Session, _context: Any) -> None:
    for obj in session.new:
        if isinstance(obj, Caso):
            al_confirmar(session, CASOS_CREADOS, canal=obj.canal)


@lru_cache(maxsize=4096)
def _series(method: str, route: str, status: int) -> tuple[Any, Any]:
    """The label children of a route, resolved once: `labels()` costs more than the increment."""
    return (
        HTTP_PEDIDOS.labels(method=method, route=route, status=str(status)),
        HTTP_LATENCIA.labels(method=method, route=route),
    )


def registrar_pedido(method: str, route: str, status: int, segundos: float) -> None:
    pedidos, latencia = _series(method, route, status)
    pedidos.inc()
    latencia.observe(segundos)


def _texto() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registro = CollectorRegistry()
        multiprocess.MultiProcessCollector(registro)  # type: ignore[no-untyped-call]
        return bytes(generate_latest(registro))
    return bytes(generate_latest(REGISTRY))


def _permitido(request: Request) -> bool:
    """Open on loopback (when no proxy forwarded the request), with the token, or if told so."""
    settings = request.app.state.settings
    if settings.metrics_abierto:
        return True
    token = settings.metrics_token
    enviado = request.headers.get("authorization", "")
    if token and secrets.compare_digest(enviado, f"Bearer {token.get_secret_value()}"):
        return True
    host = request.client.host if request.client else ""
    reenviado = "x-forwarded-for" in request.headers or "forwarded" in request.headers
    try:
        return ipaddress.ip_address(host).is_loopback and not reenviado
    except ValueError:
        return False


router = APIRouter()


@router.get("/metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    if not _permitido(request):
        raise Forbidden(
            "Las métricas se leen desde loopback o con VETANCO_METRICS_TOKEN como Bearer."
        )
    return Response(_texto(), media_type=CONTENT_TYPE_LATEST)
