"""Argentine business hours: an SLA clock only runs while the quality team works."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

ARGENTINA = ZoneInfo("America/Argentina/Buenos_Aires")
_HORARIO = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")


@lru_cache(maxsize=64)
def _feriados(pais: str, anio: int) -> dict[date, str]:
    return dict(holidays.country_holidays(pais, years=anio, language="es"))


@dataclass(frozen=True, slots=True)
class Calendario:
    zona: ZoneInfo = ARGENTINA
    inicio: time = time(9, 0)
    fin: time = time(18, 0)
    pais: str = "AR"
    extra_feriados: frozenset[date] = frozenset()

    @property
    def horas_por_dia(self) -> float:
        return (_minutos(self.fin) - _minutos(self.inicio)) / 60

    def feriado(self, dia: date) -> str | None:
        if dia in self.extra_feriados:
            return "Día no laborable de la empresa"
        return _feriados(self.pais, dia.year).get(dia)

    def es_habil(self, dia: date) -> bool:
        return dia.weekday() < 5 and self.feriado(dia) is None

    def _abre(self, dia: date) -> datetime:
        return datetime.combine(dia, self.inicio, self.zona)

    def _cierra(self, dia: date) -> datetime:
        return datetime.combine(dia, self.fin, self.zona)

    def horas_habiles(self, desde: datetime, hasta: datetime) -> float:
        """Business hours in [desde, hasta); walks days, never minutes."""
        a, b = _local(desde, self.zona), _local(hasta, self.zona)
        if b <= a:
            return 0.0
        total = 0.0
        dia = a.date()
        while dia <= b.date():
            if self.es_habil(dia):
                inicio = max(a, self._abre(dia))
                fin = min(b, self._cierra(dia))
                if fin > inicio:
                    total += (fin - inicio).total_seconds()
            dia += timedelta(days=1)
        return total / 3600

    def sumar_horas(self, desde: datetime, horas: float) -> datetime:
        """The instant at which `horas` business hours have elapsed after `desde` (UTC)."""
        if horas < 0:
            raise ValueError("las horas a sumar no pueden ser negativas")
        actual = _local(desde, self.zona)
        restante = timedelta(hours=horas)
        dia = actual.date()
        while True:
            if self.es_habil(dia):
                inicio = max(actual, self._abre(dia))
                fin = self._cierra(dia)
                if inicio <= fin:
                    disponible = fin - inicio
                    cero_al_cierre = restante == timedelta(0) and inicio == fin
                    if restante <= disponible and not cero_al_cierre:
                        return (inicio + restante).astimezone(UTC)
                    restante -= disponible
            dia += timedelta(days=1)
            actual = self._abre(dia)


def _minutos(t: time) -> int:
    return t.hour * 60 + t.minute


def _local(value: datetime, zona: ZoneInfo) -> datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(zona)


def calendario_desde_texto(
    *,
    horario: str = "09:00-18:00",
    zona: str = "America/Argentina/Buenos_Aires",
    extra_feriados: str = "",
    pais: str = "AR",
) -> Calendario:
    """Builds the calendar from setting strings, with a Spanish message for each mistake."""
    match = _HORARIO.match(horario.strip())
    if not match:
        raise ValueError(f"horario inválido {horario!r}: usá HH:MM-HH:MM, p. ej. 09:00-18:00")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    try:
        inicio, fin = time(h1, m1), time(h2, m2)
    except ValueError as exc:
        raise ValueError(f"horario inválido {horario!r}: {exc}") from exc
    if fin <= inicio:
        raise ValueError(
            f"horario inválido {horario!r}: el cierre debe ser posterior a la apertura"
        )
    try:
        extras = frozenset(
            date.fromisoformat(d.strip()) for d in extra_feriados.split(",") if d.strip()
        )
    except ValueError as exc:
        raise ValueError(
            f"feriados extra inválidos: {exc}; usá AAAA-MM-DD separados por comas"
        ) from exc
    return Calendario(zona=ZoneInfo(zona), inicio=inicio, fin=fin, pais=pais, extra_feriados=extras)
