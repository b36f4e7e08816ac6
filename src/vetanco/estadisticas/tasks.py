"""Background recomputation of the daily statistics totals marked stale by case writes."""

from __future__ import annotations

import time

from vetanco.config import Settings
from vetanco.db import Database
from vetanco.estadisticas import acumulado

INTERVALO = 2.0


class ResumenDiario:
    """Runs at most every INTERVALO seconds, so a burst of writes costs one recomputation per day."""

    def __init__(self, db: Database, _settings: Settings) -> None:
        self.db = db
        self.last: float | None = None

    def run_once(self) -> int:
        now = time.monotonic()
        if self.last is not None and now - self.last < INTERVALO:
            return 0
        self.last = now
        with self.db.transaction() as session:
            hechos = acumulado.refrescar(session)
        if hechos:
            self.last = None
        return hechos

    def close(self) -> None:
        return None
