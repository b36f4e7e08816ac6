"""The periodic reconcile inside the background worker, one page per turn."""

from __future__ import annotations

import time
from collections.abc import Iterator

import structlog

from vetanco.config import Settings
from vetanco.db import Database
from vetanco.reten.client import RetenClient, RetenError
from vetanco.reten.metrics import PROCESS_METRICS
from vetanco.reten.sync import Resumen, recorrer

log = structlog.get_logger(__name__)


class RetenPoller:
    """Walks every `reten_poll_interval`; interleaves pages with webhooks and WhatsApp work."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self.client: RetenClient | None = None
        self.walk: Iterator[Resumen] | None = None
        self.next_at = 0.0
        if not settings.reten_enabled:
            log.info("reten_connector_off", reason="VETANCO_RETEN_BASE_URL no definida")

    def run_once(self) -> int:
        if not self.settings.reten_enabled:
            return 0
        if self.walk is None:
            if time.monotonic() < self.next_at:
                return 0
            self.next_at = time.monotonic() + self.settings.reten_poll_interval
            try:
                self.client = self.client or RetenClient(self.settings, metrics=PROCESS_METRICS)
            except RetenError:
                log.exception("reten_client_unavailable")
                return 0
            self.walk = recorrer(self.db, self.client)
        try:
            resumen = next(self.walk)
        except StopIteration:
            self.walk = None
            return 0
        if resumen.completed_walk or resumen.errors:
            log.info("reten_reconcile", **resumen.as_dict())
            self.walk = None
        return 1

    def close(self) -> None:
        if self.client is not None:
            self.client.close()
