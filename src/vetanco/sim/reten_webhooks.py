"""The Reten simulator's webhooks: registration, and signed deliveries from one sender thread."""

from __future__ import annotations

import queue
import random
import threading
import uuid
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from vetanco.sim.reten_base import (
    EVENTS,
    JSON,
    WEBHOOK_FIELDS,
    _BadRequest,
    _compact,
    _iso,
    _Job,
    _json_body,
    sign,
)


class WebhookSender:
    """``POST /v1/webhooks`` and the deliveries: one attempt each, in the order of the changes."""

    webhooks: list[JSON]
    deliveries: list[JSON]
    drop_webhooks: float
    webhook_timeout: float
    _lock: threading.RLock
    _cond: threading.Condition
    _drop_rng: random.Random
    _queue: queue.Queue[_Job | None]
    _worker: threading.Thread | None

    def add_webhook(self, url: str, events: list[str], secret: str) -> JSON:
        """What ``POST /v1/webhooks`` does, without HTTP."""
        if not isinstance(url, str) or urlsplit(url).scheme not in ("http", "https"):
            raise ValueError("url must be an http(s) URL")
        if not isinstance(events, list) or not events or not set(events) <= set(EVENTS):
            raise ValueError(f"events must be a non-empty list drawn from {EVENTS}")
        if not isinstance(secret, str) or not secret:
            raise ValueError("secret must be a non-empty string")
        webhook = {
            "id": f"wh_{uuid.uuid4().hex[:16]}",
            "url": url,
            "events": list(dict.fromkeys(events)),
        }
        with self._lock:
            self.webhooks.append(webhook | {"secret": secret})
        return webhook

    def _emit(self, event: str, task: JSON) -> None:
        """Called with the lock held, so jobs queue up in the order of the changes."""
        payload = {
            "event": event,
            "timestamp": _iso(datetime.now(UTC)),
            "data": {key: task[key] for key in WEBHOOK_FIELDS},
        }
        body = _compact(payload)
        for hook in self.webhooks:
            if event in hook["events"]:
                job = _Job(event, task["id"], hook["id"], hook["url"], hook["secret"], body)
                self._queue.put(job)
        self._ensure_worker()

    def _ensure_worker(self) -> None:
        if self._worker is None or not self._worker.is_alive():
            self._worker = threading.Thread(target=self._work, daemon=True, name="reten webhooks")
            self._worker.start()

    def _work(self) -> None:
        with httpx.Client(timeout=self.webhook_timeout) as client:
            while (job := self._queue.get()) is not None:
                status: int | None = None
                dropped = self._drop_rng.random() < self.drop_webhooks
                if not dropped:
                    headers = {
                        "Content-Type": "application/json",
                        "X-Reten-Signature": sign(job.body, job.secret),
                        "User-Agent": "Reten-Webhooks/1.0 (sim)",
                    }
                    try:
                        status = client.post(job.url, content=job.body, headers=headers).status_code
                    except httpx.HTTPError:
                        status = None
                with self._cond:
                    self.deliveries.append(
                        {
                            "event": job.event,
                            "task_id": job.task_id,
                            "webhook_id": job.webhook_id,
                            "url": job.url,
                            "delivered": status is not None and 200 <= status < 300,
                            "dropped": dropped,
                            "status": status,
                            "body": job.body,
                        }
                    )
                    self._cond.notify_all()

    def wait_deliveries(self, count: int, timeout: float = 10) -> None:
        """Until `count` deliveries were attempted (dropped ones included); TimeoutError otherwise."""
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.deliveries) >= count, timeout):
                raise TimeoutError(f"{len(self.deliveries)} of {count} webhook deliveries")

    async def _webhook(self, request: Request) -> Response:
        body = await _json_body(request)
        fields: list[Any] = [body.get(key) for key in ("url", "events", "secret")]
        try:
            webhook = self.add_webhook(*fields)
        except ValueError as exc:
            raise _BadRequest(str(exc)) from None
        return JSONResponse(webhook, status_code=201)
