"""The periodic reconcile inside the background worker, one page per turn."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta

import structlog
from sqlalchemy import or_, select

from vetanco.casos import historial
from vetanco.casos import repository as casos_repository
from vetanco.config import Settings
from vetanco.db import Database, utcnow
from vetanco.reten import entrantes, sync
from vetanco.reten.client import RetenClient, RetenError
from vetanco.reten.metrics import PROCESS_METRICS
from vetanco.reten.models import RetenAccion, RetenEstado, RetenEvento
from vetanco.reten.monitor import evaluar_alertas
from vetanco.reten.oauth import TokenStore
from vetanco.reten.sync import Resumen, recorrer

log = structlog.get_logger(__name__)


class _RetenTask:
    """Shared by the worker's Reten tasks: one lazily created API client, closed with the task."""

    def __init__(
        self, db: Database, settings: Settings, *, client: RetenClient | None = None
    ) -> None:
        self.db = db
        self.settings = settings
        self.client = client

    def _client(self) -> RetenClient:
        if self.client is None:
            self.client = RetenClient(
                self.settings, metrics=PROCESS_METRICS, tokens=TokenStore(self.db, self.settings)
            )
        return self.client

    def close(self) -> None:
        if self.client is not None:
            self.client.close()


class RetenPoller(_RetenTask):
    """Walks every `reten_poll_interval`; interleaves pages with webhooks and WhatsApp work."""

    def __init__(self, db: Database, settings: Settings) -> None:
        super().__init__(db, settings)
        self.walk: Iterator[Resumen] | None = None
        self.next_at = 0.0
        self.next_check = 0.0
        if not settings.reten_enabled:
            log.info("reten_connector_off", reason="VETANCO_RETEN_BASE_URL no definida")

    def run_once(self) -> int:
        if not self.settings.reten_enabled:
            return 0
        if time.monotonic() >= self.next_check:
            self.next_check = time.monotonic() + 5
            with self.db.transaction() as session:
                evaluar_alertas(session, metrics=PROCESS_METRICS)
        if self.walk is None:
            if time.monotonic() < self.next_at:
                return 0
            self.next_at = time.monotonic() + self._interval()
            full = self._full_due()
            try:
                client = self._client()
            except RetenError:
                log.exception("reten_client_unavailable")
                return 0
            self.walk = recorrer(self.db, client, full=full)
        try:
            resumen = next(self.walk)
        except StopIteration:
            self.walk = None
            return 0
        if resumen.completed_walk or resumen.errors:
            log.info("reten_reconcile", **resumen.as_dict())
            self.walk = None
        return 1

    def _interval(self) -> float:
        """Fallback polling runs five times as often (at least once a minute)."""
        with self.db.transaction(write=False) as session:
            st = session.get(RetenEstado, 1)
            fallback = st is not None and st.modo == "polling_fallback"
        interval = self.settings.reten_poll_interval
        return min(interval / 5, 60.0) if fallback else interval

    def _full_due(self) -> bool:
        with self.db.transaction(write=False) as session:
            st = session.get(RetenEstado, 1)
            last = st.last_full_walk_at if st else None
        return (
            last is None
            or (utcnow() - last).total_seconds() >= self.settings.reten_reconcile_interval
        )


class RetenInbox(_RetenTask):
    """Applies stored Reten webhooks in arrival order; partial payloads are completed with a GET."""

    def run_once(self) -> int:
        if not self.settings.reten_enabled:
            return 0
        done = 0
        for _ in range(50):
            with self.db.transaction(write=False) as session:
                evento = entrantes.pendiente(session)
                if evento is None:
                    return done
                evento_id, data = evento.id, dict(evento.payload["data"])
            try:
                tarea = entrantes.completar(self._client(), data)
            except RetenError as exc:
                with self.db.transaction() as session:
                    row = session.get(RetenEvento, evento_id)
                    if row is not None:
                        row.attempts += 1
                        row.last_error = str(exc)[:500]
                        if row.attempts >= 5:
                            row.processed_at = utcnow()
                return done
            with self.db.transaction() as session:
                row = session.get(RetenEvento, evento_id, with_for_update=True)
                if row is not None and row.processed_at is None:
                    entrantes.aplicar_evento(session, evento=row, tarea=tarea)
            done += 1
        return done


class RetenAcciones(_RetenTask):
    """Sends queued PATCHes to Reten and records the outcome in the case history."""

    def run_once(self) -> int:
        if not self.settings.reten_enabled:
            return 0
        now = utcnow()
        with self.db.transaction() as session:
            stmt = (
                select(RetenAccion)
                .where(
                    RetenAccion.estado == "pendiente",
                    or_(
                        RetenAccion.proximo_intento_at.is_(None),
                        RetenAccion.proximo_intento_at <= now,
                    ),
                    or_(RetenAccion.lease_until.is_(None), RetenAccion.lease_until < now),
                )
                .order_by(RetenAccion.id)
                .limit(10)
                .with_for_update(skip_locked=True)
            )
            jobs = []
            for accion in session.scalars(stmt):
                accion.lease_until = now + timedelta(seconds=120)
                jobs.append((accion.id, accion.task_id, dict(accion.body)))
        if not jobs:
            return 0
        client = self._client()
        for accion_id, task_id, body in jobs:
            try:
                tarea: dict[str, object] | None = client.patch_task(task_id, body)
                error, final = None, False
            except RetenError as exc:
                tarea, error, final = (
                    None,
                    f"{exc.kind}: {exc}",
                    exc.kind in ("not_found", "client"),
                )
            self._record(accion_id, tarea, error, final=final)
        return len(jobs)

    def _record(
        self,
        accion_id: int,
        tarea: dict[str, object] | None,
        error: str | None,
        *,
        final: bool = False,
    ) -> None:
        with self.db.transaction() as session:
            accion = session.get(RetenAccion, accion_id)
            if accion is None:
                return
            accion.intentos += 1
            accion.lease_until = None
            if tarea is not None:
                accion.estado = "hecha"
                accion.done_at = utcnow()
                if tarea.get("id"):
                    sync.aplicar(session, dict(tarea))
                resultado = f"tarea {accion.task_id} completada en Reten"
            elif final or accion.intentos >= 6:
                accion.estado = "fallida"
                accion.ultimo_error = error
                resultado = f"no se pudo completar la tarea {accion.task_id} en Reten: {error}"
            else:
                accion.ultimo_error = error
                accion.proximo_intento_at = utcnow() + timedelta(seconds=2**accion.intentos)
                return
            caso = (
                casos_repository.by_id(session, accion.caso_id, for_update=True)
                if accion.caso_id
                else None
            )
            if caso is not None:
                historial.registrar(
                    session,
                    caso=caso,
                    accion="tarea_reten_cierre",
                    actor="reten",
                    cambios={
                        f"tarea_reten.{accion.task_id}": {"antes": None, "despues": accion.estado}
                    },
                    motivo=resultado,
                )
