"""The delivery worker: claims due deliveries, signs and posts them, records every attempt."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import httpx
import structlog
from sqlalchemy import insert
from sqlalchemy.orm import Session

from vetanco import metricas
from vetanco.config import Settings
from vetanco.db import Database, after_commit, utcnow
from vetanco.net import UnsafeURL, check_url
from vetanco.wake import wait_for_work
from vetanco.webhooks import repository, signing
from vetanco.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

log = structlog.get_logger(__name__)

EXCERPT_BYTES = 1024
MAX_RETRY_AFTER = 24 * 3600.0
BATCHES_PER_RUN = 4  # deliveries claimed per run_once, in batches; then the other tasks' turn


@dataclass(frozen=True, slots=True)
class Job:
    delivery_id: int
    public_id: str
    endpoint_id: str
    url: str
    secrets: tuple[str, ...]
    event: str
    payload: bytes


@dataclass(frozen=True, slots=True)
class Outcome:
    status_code: int | None
    latency_ms: float
    excerpt: str | None
    error: str | None
    retry_after: float | None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _retry_after(value: str | None, now: datetime) -> float | None:
    if not value:
        return None
    try:
        return min(max(float(value), 0.0), MAX_RETRY_AFTER)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return min(max((when - now).total_seconds(), 0.0), MAX_RETRY_AFTER)


class Dispatcher:
    """Safe to run in several processes: claims are leased rows, taken with SKIP LOCKED on PostgreSQL."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        *,
        client: httpx.Client | None = None,
        batch_size: int = 50,
    ) -> None:
        self.db = db
        self.settings = settings
        self.batch_size = batch_size
        self.client = client or httpx.Client(
            timeout=settings.webhook_timeout, follow_redirects=False
        )
        self.pool = ThreadPoolExecutor(
            max_workers=settings.worker_concurrency, thread_name_prefix="webhook"
        )

    def close(self) -> None:
        self.pool.shutdown(wait=True)
        self.client.close()

    def run_once(self) -> int:
        """Claims again whenever senders run short; never more than `batch_size` in hand (one lease)."""
        pendientes: dict[Future[Outcome], Job] = {}
        claimed = 0
        more = True
        while True:
            limit = self.batch_size - len(pendientes)
            if more and limit > 0 and len(pendientes) <= self.settings.worker_concurrency:
                jobs, more = self._claim(limit)
                claimed += len(jobs)
                more = more and claimed < self.batch_size * BATCHES_PER_RUN
                pendientes.update({self.pool.submit(self._send, job): job for job in jobs})
            if not pendientes:
                return claimed
            listos, _ = wait(pendientes, return_when=FIRST_COMPLETED)
            self._record_all([(pendientes.pop(f), f.result()) for f in listos])

    def _claim(self, limit: int) -> tuple[list[Job], bool]:
        """Due deliveries leased to this worker, and whether there may be more."""
        now = utcnow()
        rounds = -(-self.batch_size // self.settings.worker_concurrency)
        lease = (
            self.settings.webhook_lease_seconds or rounds * (self.settings.webhook_timeout + 5) + 30
        )
        with self.db.transaction() as session:
            claimed = repository.claim_due(
                session, now=now, lease_until=now + timedelta(seconds=lease), limit=limit
            )
            endpoints = repository.endpoints_by_id(session, {d.endpoint_id for d in claimed})
            jobs = [
                self._job(d, endpoints[d.endpoint_id], now)
                for d in claimed
                if d.endpoint_id in endpoints
            ]
        return jobs, len(claimed) == limit

    def _record_all(self, results: list[tuple[Job, Outcome]]) -> None:
        """Each answer is stored as it arrives, so a crash re-sends only what was in flight."""
        with self.db.transaction() as session:
            deliveries = repository.lock_deliveries(session, [j.delivery_id for j, _ in results])
            endpoints = repository.endpoints_by_id(
                session, {d.endpoint_id for d in deliveries.values()}
            )
            attempts = [
                self._record(session, delivery, endpoints.get(delivery.endpoint_id), job, outcome)
                for job, outcome in results
                if (delivery := deliveries.get(job.delivery_id)) is not None
                and delivery.estado == "pendiente"
            ]
            if attempts:  # one executemany: the same SQL whatever the count, no ids read back
                session.execute(insert(WebhookAttempt), attempts)

    def run_forever(self, stop: threading.Event) -> None:
        while not stop.is_set():
            try:
                processed = self.run_once()
            except Exception:
                log.exception("webhook_dispatcher_error")
                processed = 0
                time.sleep(self.settings.worker_poll_interval)
            if processed == 0:
                wait_for_work(self.settings.worker_poll_interval)

    @staticmethod
    def _job(delivery: WebhookDelivery, endpoint: WebhookEndpoint, now: datetime) -> Job:
        secrets_ = [endpoint.secret]
        if endpoint.previous_secret and (endpoint.previous_secret_expires_at or now) > now:
            secrets_.append(endpoint.previous_secret)
        return Job(
            delivery_id=delivery.id,
            public_id=delivery.public_id,
            endpoint_id=str(endpoint.id),
            url=endpoint.url,
            secrets=tuple(secrets_),
            event=delivery.event.event,
            payload=delivery.event.payload.encode(),
        )

    def _send(self, job: Job) -> Outcome:
        if not self.settings.webhook_allow_private:
            try:
                check_url(job.url)
            except UnsafeURL as exc:
                return Outcome(None, 0.0, None, f"destino bloqueado: {exc}", None)
        now = utcnow()
        headers = signing.headers(
            msg_id=job.public_id,
            event=job.event,
            timestamp=now,
            body=job.payload,
            secrets_=job.secrets,
        )
        started = time.perf_counter()
        try:
            with self._post(job, headers) as response:
                excerpt = b""
                for chunk in response.iter_raw():
                    excerpt += chunk
                    if len(excerpt) >= EXCERPT_BYTES:
                        break
                latency = (time.perf_counter() - started) * 1000
                retry_after = None
                if response.status_code in (429, 503):
                    retry_after = _retry_after(response.headers.get("retry-after"), now)
                text = excerpt[:EXCERPT_BYTES].decode("utf-8", errors="replace")
                return Outcome(response.status_code, latency, text, None, retry_after)
        except httpx.TimeoutException:
            return Outcome(None, (time.perf_counter() - started) * 1000, None, "timeout", None)
        except httpx.HTTPError as exc:
            error = f"error de conexión: {type(exc).__name__}"
            return Outcome(None, (time.perf_counter() - started) * 1000, None, error, None)
        except Exception as exc:
            log.exception("webhook_send_unexpected", entrega=job.public_id)
            error = f"error inesperado: {type(exc).__name__}"
            return Outcome(None, (time.perf_counter() - started) * 1000, None, error, None)

    @contextmanager
    def _post(self, job: Job, headers: dict[str, str]) -> Iterator[httpx.Response]:
        """Through the client's transport (its proxies, TLS and pool) but not its per-request
        cookie, auth and redirect work, none of which a webhook uses: a quarter of the CPU."""
        request = httpx.Request(
            "POST",
            job.url,
            content=job.payload,
            headers=headers,
            extensions={"timeout": self.client.timeout.as_dict()},
        )
        response = self.client._transport_for_url(request.url).handle_request(request)
        try:
            yield response
        finally:
            response.close()

    def _record(
        self,
        session: Session,
        delivery: WebhookDelivery,
        endpoint: WebhookEndpoint | None,
        job: Job,
        outcome: Outcome,
    ) -> dict[str, object]:
        """Updates the delivery; returns its attempt row for the caller to insert."""
        now = utcnow()
        attempt: dict[str, object] = {
            "delivery_id": delivery.id,
            "created_at": now,
            "status_code": outcome.status_code,
            "latency_ms": round(outcome.latency_ms, 2),
            "response_excerpt": outcome.excerpt,
            "error": outcome.error,
        }
        delivery.attempt_count += 1
        delivery.last_status_code = outcome.status_code
        delivery.last_error = outcome.error
        delivery.lease_until = None
        if outcome.ok:
            delivery.estado = "entregada"
            delivery.delivered_at = now
            retraso = (now - delivery.created_at).total_seconds()
            metricas.al_confirmar(session, metricas.WEBHOOK_ENTREGAS, resultado="entregada")
            after_commit(session, lambda: metricas.WEBHOOK_RETRASO.observe(retraso))
            if endpoint is not None:
                endpoint.failing_since = None
            return attempt
        delivery.retry_count += 1
        delays = self.settings.retry_delays
        fallida = delivery.retry_count > len(delays)
        resultado = "fallida" if fallida else "reintento"
        metricas.al_confirmar(session, metricas.WEBHOOK_ENTREGAS, resultado=resultado)
        if fallida:
            delivery.estado = "fallida"
            log.warning("webhook_delivery_failed", entrega=job.public_id, endpoint=job.endpoint_id)
        else:
            delay = delays[delivery.retry_count - 1] * random.uniform(0.9, 1.1)
            if outcome.retry_after is not None:
                delay = max(delay, outcome.retry_after)
            delivery.next_attempt_at = now + timedelta(seconds=delay)
        if endpoint is not None:
            self._track_failure(endpoint, now)
        return attempt

    def _track_failure(self, endpoint: WebhookEndpoint, now: datetime) -> None:
        endpoint.failing_since = endpoint.failing_since or now
        if (
            endpoint.enabled
            and (now - endpoint.failing_since).total_seconds()
            >= self.settings.webhook_disable_after
        ):
            endpoint.enabled = False
            endpoint.disabled_reason = f"falla continua desde {endpoint.failing_since.isoformat()}"
            endpoint.updated_at = now
            log.error(
                "ALERTA webhook_endpoint_disabled",
                endpoint=str(endpoint.id),
                url=endpoint.url,
                failing_since=endpoint.failing_since.isoformat(),
            )
