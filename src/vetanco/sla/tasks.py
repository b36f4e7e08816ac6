"""Periodic check of the clocks: each breach and each legal deadline close to expiry is announced once."""

from __future__ import annotations

import time

from sqlalchemy.orm import Session

from vetanco.casos.models import Caso
from vetanco.config import Settings
from vetanco.db import Database, utcnow
from vetanco.sla import repository
from vetanco.sla.models import RelojCaso
from vetanco.webhooks.events import Evento
from vetanco.webhooks.service import emitir

LOTE = 200


def _caso(session: Session, reloj: RelojCaso) -> tuple[str, str, str | None]:
    caso = session.get_one(Caso, reloj.caso_id)
    return caso.numero_caso, caso.tipo_caso, caso.criticidad


def avisar(session: Session) -> int:
    """One pass; the alert timestamps written with the events make a second pass a no-op."""
    ahora = utcnow()
    hechos = 0
    for reloj in repository.alertas_vencido(session, ahora=ahora, limit=LOTE):
        numero, tipo, criticidad = _caso(session, reloj)
        emitir(
            session,
            evento=Evento.caso_sla_vencido,
            clave=numero,
            data={
                "numero_caso": numero,
                "reloj": reloj.tipo,
                "politica": reloj.politica,
                "vence": reloj.vence,
                "cumplido_at": reloj.cumplido_at,
                "tipo_caso": tipo,
                "criticidad": criticidad,
            },
        )
        reloj.alerta_vencido_at = ahora
        hechos += 1
    for reloj in repository.alertas_reporte(session, ahora=ahora, limit=LOTE):
        numero, _, _ = _caso(session, reloj)
        restante = (reloj.vence - ahora).total_seconds() / 86400
        emitir(
            session,
            evento=Evento.caso_reporte_regulatorio_por_vencer,
            clave=numero,
            data={
                "numero_caso": numero,
                "autoridad": reloj.politica.split(":", 1)[0],
                "vence": reloj.vence,
                "dias_restantes": round(restante, 1),
            },
        )
        reloj.alerta_riesgo_at = ahora
        hechos += 1
    session.flush()
    return hechos


class SlaMonitor:
    """Runs avisar() at most every VETANCO_SLA_SCAN_INTERVAL seconds."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.interval = settings.sla_scan_interval
        self.last: float | None = None

    def run_once(self) -> int:
        now = time.monotonic()
        if self.last is not None and now - self.last < self.interval:
            return 0
        self.last = now
        with self.db.transaction() as session:
            hechos = avisar(session)
        if hechos >= LOTE:
            self.last = None
        return hechos

    def close(self) -> None:
        return None
