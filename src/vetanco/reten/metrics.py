"""The spec's KPIs over a sliding window of recent calls to Reten."""

from __future__ import annotations

import statistics
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass

from vetanco import metricas


@dataclass(frozen=True, slots=True)
class Llamada:
    at: float
    ok: bool
    status: int | None
    latency_ms: float
    kind: str  # ok | rate_limit | server | timeout | connection | auth | client | not_found


class Metrics:
    """Thread-safe; the worker records, the API reads."""

    def __init__(self, window_seconds: float = 900.0, max_calls: int = 10_000) -> None:
        self.window = window_seconds
        self._calls: deque[Llamada] = deque(maxlen=max_calls)
        self._lock = threading.Lock()
        self.consecutive_errors = 0
        self.rate_limit_remaining: int | None = None
        self.rate_limit_limit: int | None = None

    def record(self, *, ok: bool, status: int | None, latency_ms: float, kind: str) -> None:
        with self._lock:
            self._calls.append(Llamada(time.time(), ok, status, latency_ms, kind))
            self.consecutive_errors = 0 if ok else self.consecutive_errors + 1
            errores = self.consecutive_errors
        metricas.RETEN_LLAMADAS.labels(resultado=kind).inc()
        metricas.RETEN_LATENCIA.observe(latency_ms / 1000)
        metricas.RETEN_ERRORES_SEGUIDOS.set(errores)

    def recent(self) -> list[Llamada]:
        cutoff = time.time() - self.window
        with self._lock:
            return [c for c in self._calls if c.at >= cutoff]

    def summary(self) -> dict[str, object]:
        calls = self.recent()
        latencies = sorted(c.latency_ms for c in calls)
        errors = Counter(c.kind for c in calls if not c.ok)
        minutes = max(self.window / 60, 1e-9)
        return {
            "llamadas": len(calls),
            "tasa_exito": round(sum(c.ok for c in calls) / len(calls), 4) if calls else None,
            "latencia_p50_ms": round(float(statistics.median(latencies)), 1) if latencies else None,
            "latencia_p95_ms": round(float(latencies[int(0.95 * (len(latencies) - 1))]), 1)
            if latencies
            else None,
            "requests_por_minuto": round(len(calls) / minutes, 2),
            "tasa_error": round(sum(errors.values()) / len(calls), 4) if calls else None,
            "errores_por_tipo": dict(errors),
            "errores_consecutivos": self.consecutive_errors,
            "rate_limit_restante": self.rate_limit_remaining,
            "rate_limit": self.rate_limit_limit,
        }


PROCESS_METRICS = Metrics()
