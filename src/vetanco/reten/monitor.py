"""The connector's mode (webhooks or fallback polling) and the spec's alerts, raised and cleared."""

from __future__ import annotations

from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session

from vetanco.db import utcnow
from vetanco.reten.metrics import Metrics
from vetanco.reten.models import RetenAlerta, RetenEstado
from vetanco.webhooks.events import Evento
from vetanco.webhooks.service import emitir

log = structlog.get_logger(__name__)
UMBRAL_FALLOS_WEBHOOK = 0.10
ERRORES_API_CAIDA = 5
LATENCIA_ALTA_MS = 2000.0
CERCA_DEL_LIMITE = 0.10


def actualizar_modo(st: RetenEstado, *, perdidos: int) -> None:
    """After a full walk: changes the walk found were changes the webhooks did not bring."""
    entregados = st.webhooks_aplicados or 0
    total = perdidos + entregados
    if total:
        st.tasa_fallos_webhooks = round(perdidos / total, 4)
    st.webhooks_aplicados = 0
    if not st.webhook_id and not st.last_webhook_at:
        st.modo = "polling"
    elif (st.tasa_fallos_webhooks or 0.0) > UMBRAL_FALLOS_WEBHOOK:
        if st.modo != "polling_fallback":
            log.warning("reten_mode_fallback", tasa_fallos=st.tasa_fallos_webhooks)
        st.modo = "polling_fallback"
    else:
        if st.modo == "polling_fallback":
            log.info("reten_mode_webhooks_recovered", tasa_fallos=st.tasa_fallos_webhooks)
        st.modo = "webhooks"


def _condiciones(metrics: Metrics, st: RetenEstado | None) -> dict[str, tuple[bool, str]]:
    summary = metrics.summary()
    p95 = summary.get("latencia_p95_ms")
    limit, remaining = metrics.rate_limit_limit, metrics.rate_limit_remaining
    tasa = st.tasa_fallos_webhooks if st else None
    return {
        "api_caida": (
            metrics.consecutive_errors > ERRORES_API_CAIDA,
            f"{metrics.consecutive_errors} errores consecutivos",
        ),
        "latencia_alta": (
            isinstance(p95, int | float) and p95 > LATENCIA_ALTA_MS,
            f"latencia p95 {p95} ms",
        ),
        "cerca_del_limite": (
            bool(limit) and remaining is not None and remaining < CERCA_DEL_LIMITE * (limit or 0),
            f"quedan {remaining} de {limit} requests en la ventana",
        ),
        "fallos_webhooks": (
            tasa is not None and tasa > UMBRAL_FALLOS_WEBHOOK,
            f"{(tasa or 0):.0%} de los cambios no llegaron por webhook",
        ),
    }


def evaluar_alertas(session: Session, *, metrics: Metrics) -> list[str]:
    """Raises and clears alerts; each transition is logged and sent as integracion.alerta."""
    st = session.get(RetenEstado, 1)
    cambios: list[str] = []
    for tipo, (activa, detalle) in _condiciones(metrics, st).items():
        row = session.get(RetenAlerta, tipo)
        if row is None:
            row = RetenAlerta(tipo=tipo, activa=False)
            session.add(row)
        if activa == row.activa:
            continue
        now = utcnow()
        row.activa = activa
        row.detalle = detalle
        if activa:
            row.raised_at = now
            log.warning("ALERTA reten", alerta=tipo, detalle=detalle)
        else:
            row.cleared_at = now
            log.info("alerta reten resuelta", alerta=tipo)
        emitir(
            session,
            evento=Evento.integracion_alerta,
            clave=f"reten:{tipo}",
            data={
                "integracion": "reten",
                "alerta": tipo,
                "estado": "activa" if activa else "resuelta",
                "detalle": detalle,
            },
        )
        cambios.append(tipo)
    session.flush()
    return cambios


def alertas_activas(session: Session) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(RetenAlerta).where(RetenAlerta.activa.is_(True)).order_by(RetenAlerta.tipo)
    )
    return [{"tipo": r.tipo, "detalle": r.detalle, "desde": r.raised_at} for r in rows]
