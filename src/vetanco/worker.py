"""The background loop: webhook deliveries, WhatsApp inbox and outbox, in `serve` or `vetanco worker`."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol

import structlog

from vetanco.config import Settings
from vetanco.db import Database
from vetanco.estadisticas.tasks import ResumenDiario
from vetanco.reten.tasks import RetenAcciones, RetenInbox, RetenPoller
from vetanco.sla.tasks import SlaMonitor
from vetanco.wake import wait_for_work, wake_dispatcher
from vetanco.webhooks.tasks import Dispatcher
from vetanco.whatsapp.media import MediaFetcher
from vetanco.whatsapp.tasks import InboundProcessor, Sender

log = structlog.get_logger(__name__)


class Task(Protocol):
    def run_once(self) -> int: ...

    def close(self) -> None: ...


class BackgroundWorker:
    """Runs each task until none has work, then sleeps until woken or the poll interval passes."""

    def __init__(self, db: Database, settings: Settings, tasks: list[Task] | None = None) -> None:
        self.settings = settings
        self.tasks: list[Task] = tasks or [
            InboundProcessor(db, settings),
            Sender(db, settings),
            MediaFetcher(db, settings),
            Dispatcher(db, settings),
            RetenInbox(db, settings),
            RetenAcciones(db, settings),
            RetenPoller(db, settings),
            SlaMonitor(db, settings),
            ResumenDiario(db, settings),
        ]

    def run_once(self) -> int:
        total = 0
        for task in self.tasks:
            try:
                total += task.run_once()
            except Exception:
                log.exception("background_task_error", task=type(task).__name__)
                time.sleep(self.settings.worker_poll_interval)
        return total

    def run_forever(self, stop: threading.Event) -> None:
        while not stop.is_set():
            if self.run_once() == 0:
                wait_for_work(self.settings.worker_poll_interval)

    def close(self) -> None:
        for task in self.tasks:
            task.close()


class BackgroundThread:
    """The in-process worker of `vetanco serve`."""

    def __init__(
        self,
        db: Database,
        settings: Settings,
        factory: Callable[[], BackgroundWorker] | None = None,
    ) -> None:
        self.worker = factory() if factory else BackgroundWorker(db, settings)
        self.stop = threading.Event()
        self.thread = threading.Thread(
            target=self.worker.run_forever, args=(self.stop,), name="vetanco-worker", daemon=True
        )
        self.timeout = settings.webhook_timeout + 5

    def start(self) -> None:
        self.thread.start()

    def shutdown(self) -> None:
        self.stop.set()
        wake_dispatcher()
        self.thread.join(timeout=self.timeout)
        self.worker.close()
