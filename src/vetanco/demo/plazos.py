"""Calendario.sumar_horas for many instants of a known period, by bisection over business days.

The calendar walks day by day asking whether each is a holiday (60 µs a deadline); seeding a
million cases asks that four million times. Here the business days of the period are listed
once, with their running total of hours, so a deadline is two bisections and some arithmetic,
with the very same result (tests/demo/test_filas.py compares both).
"""

from __future__ import annotations

from bisect import bisect_left
from datetime import UTC, date, datetime, timedelta

from vetanco.sla.calendario import Calendario

_CERO = timedelta(0)


class Plazos:
    """Deadlines for start instants between `desde` and `hasta`; later ones ask the calendar."""

    def __init__(self, calendario: Calendario, *, desde: date, hasta: date) -> None:
        self.calendario = calendario
        self.aperturas: list[datetime] = []
        self.cierres: list[datetime] = []
        self.acumulado: list[timedelta] = [_CERO]
        dia = desde
        while dia <= hasta:
            if calendario.es_habil(dia):
                apertura = datetime.combine(dia, calendario.inicio, calendario.zona)
                cierre = datetime.combine(dia, calendario.fin, calendario.zona)
                self.aperturas.append(apertura)
                self.cierres.append(cierre)
                self.acumulado.append(self.acumulado[-1] + (cierre - apertura))
            dia += timedelta(days=1)

    def sumar_horas(self, desde: datetime, horas: float) -> datetime:
        """Same as Calendario.sumar_horas(desde, horas)."""
        local = desde.astimezone(self.calendario.zona)
        j = bisect_left(self.cierres, local)
        if horas <= 0 or j == len(self.cierres) or local.date() < self.aperturas[0].date():
            return self.calendario.sumar_horas(desde, horas)
        restante = timedelta(hours=horas)
        inicio = max(local, self.aperturas[j])
        disponible = self.cierres[j] - inicio
        if restante <= disponible:
            return (inicio + restante).astimezone(UTC)
        restante -= disponible
        # the first later day whose running total covers what is left
        meta = self.acumulado[j + 1] + restante
        k = bisect_left(self.acumulado, meta) - 1
        if k >= len(self.aperturas):
            return self.calendario.sumar_horas(desde, horas)
        return (self.aperturas[k] + (meta - self.acumulado[k])).astimezone(UTC)
