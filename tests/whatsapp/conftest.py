"""A Kapso simulator wired to our server: whole conversations over real HTTP."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from vetanco.config import Settings
from vetanco.db import Database
from vetanco.sim.kapso import KapsoSim, SentMessage
from vetanco.worker import BackgroundWorker

TELEFONO = "5491155551234"


@pytest.fixture
def kapso() -> Iterator[KapsoSim]:
    sim = KapsoSim().start()
    yield sim
    sim.stop()


@pytest.fixture
def settings(settings: Settings, kapso: KapsoSim) -> Settings:
    return settings.model_copy(
        update={
            "kapso_webhook_secret": SecretStr(kapso.webhook_secret),
            "kapso_api_key": SecretStr(kapso.api_key),
            "kapso_api_url": kapso.api_url,
            "kapso_phone_number_id": kapso.phone_number_id,
            "whatsapp_retry_schedule": "0.05,0.1,0.2",
        }
    )


@pytest.fixture
def worker(db: Database, settings: Settings) -> Iterator[BackgroundWorker]:
    w = BackgroundWorker(db, settings)
    yield w
    w.close()


def pump(worker: BackgroundWorker, *, settle: float = 0.0) -> None:
    """Runs the background tasks until none has anything left to do."""
    deadline = time.monotonic() + 30
    idle = 0
    while idle < 2 and time.monotonic() < deadline:
        if worker.run_once() == 0:
            idle += 1
            time.sleep(settle or 0.01)
        else:
            idle = 0


class Chat:
    """A person on WhatsApp: each call sends one message and returns the bot's replies."""

    def __init__(
        self,
        kapso: KapsoSim,
        worker: BackgroundWorker,
        url: str,
        *,
        telefono: str = TELEFONO,
        fmt: str = "kapso",
    ) -> None:
        self.kapso = kapso
        self.worker = worker
        self.url = url
        self.telefono = telefono
        self.fmt = fmt

    def _after(self, response: httpx.Response) -> list[SentMessage]:
        assert response.status_code == 200, response.text
        assert response.json() == {"status": "ok", "received": True}
        before = len(self.kapso.sent_snapshot())
        pump(self.worker)
        return [m for m in self.kapso.sent_snapshot()[before:] if m.to == self.telefono]

    def send(self, text: str, **opts: Any) -> list[SentMessage]:
        before = len(self.kapso.sent_snapshot())
        response = self.kapso.send_text(self.telefono, text, fmt=self.fmt, url=self.url, **opts)
        assert response.status_code == 200, response.text
        pump(self.worker)
        return [m for m in self.kapso.sent_snapshot()[before:] if m.to == self.telefono]

    def tap(self, reply_id: str, title: str) -> list[SentMessage]:
        before = len(self.kapso.sent_snapshot())
        response = self.kapso.send_button_reply(
            self.telefono, reply_id, title, fmt=self.fmt, url=self.url
        )
        assert response.status_code == 200, response.text
        pump(self.worker)
        return [m for m in self.kapso.sent_snapshot()[before:] if m.to == self.telefono]

    def pick(self, reply_id: str, title: str) -> list[SentMessage]:
        before = len(self.kapso.sent_snapshot())
        response = self.kapso.send_list_reply(
            self.telefono, reply_id, title, fmt=self.fmt, url=self.url
        )
        assert response.status_code == 200, response.text
        pump(self.worker)
        return [m for m in self.kapso.sent_snapshot()[before:] if m.to == self.telefono]

    def photo(
        self,
        media_id: str,
        content: bytes = b"\xff\xd8\xff\xe0fake-jpeg",
        caption: str | None = None,
    ) -> list[SentMessage]:
        self.kapso.add_media(media_id, content, "image/jpeg", f"{media_id}.jpg")
        before = len(self.kapso.sent_snapshot())
        response = self.kapso.send_image(
            self.telefono, media_id, caption=caption, fmt=self.fmt, url=self.url
        )
        assert response.status_code == 200, response.text
        pump(self.worker)
        return [m for m in self.kapso.sent_snapshot()[before:] if m.to == self.telefono]


def last_text(replies: list[SentMessage]) -> str:
    assert replies, "the bot did not answer"
    return replies[-1].text or ""


@pytest.fixture
def webhook_url(live_server: str) -> str:
    return f"{live_server}/webhooks/kapso"
