"""A real HTTP webhook receiver on loopback, scriptable to fail, stall or go down (tests and bench)."""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass, field, replace

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from vetanco.sim.server import LoopbackSim, ThreadedServer

CLIENT_GONE = 499  # "client closed request", as nginx logs it


@dataclass(frozen=True, slots=True)
class Received:
    at: float
    path: str
    headers: dict[str, str]
    body: bytes
    status: int


@dataclass
class Behaviour:
    """Statuses to answer in order (then `default`), optional delay and Retry-After."""

    script: list[int] = field(default_factory=list)
    default: int = 200
    delay: float = 0.0
    retry_after: str | None = None


class Receiver(LoopbackSim):
    _name = "receiver"

    def __init__(self, behaviour: Behaviour | None = None, port: int = 0) -> None:
        self.behaviour = behaviour or Behaviour()
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._held: set[int] = set()
        self._port = port
        self._http: ThreadedServer | None = None
        self.app = Starlette(routes=[Route("/{path:path}", self._handle, methods=["POST"])])

    async def _handle(self, request: Request) -> JSONResponse:
        body = await request.body()
        with self._lock:
            status = (
                self.behaviour.script.pop(0) if self.behaviour.script else self.behaviour.default
            )
            index = len(self.received)
            self.received.append(
                Received(time.time(), request.url.path, dict(request.headers), body, status)
            )
            self._held.add(index)
        try:
            if self.behaviour.delay:
                await asyncio.sleep(self.behaviour.delay)
                if await request.is_disconnected():
                    self._abandon(index)
        finally:
            with self._lock:
                self._held.discard(index)
        headers = {"Retry-After": self.behaviour.retry_after} if self.behaviour.retry_after else {}
        return JSONResponse({"ok": 200 <= status < 300}, status_code=status, headers=headers)

    def _abandon(self, index: int) -> None:
        """The sender hung up before the answer (it died or timed out): to it, nothing was delivered."""
        with self._lock:
            self.received[index] = replace(self.received[index], status=CLIENT_GONE)

    def in_flight(self) -> list[Received]:
        """Requests received and not yet answered (held by `delay`)."""
        with self._lock:
            return [self.received[i] for i in sorted(self._held)]

    def snapshot(self) -> list[Received]:
        with self._lock:
            return list(self.received)

    def ok_ids(self) -> list[str]:
        """webhook-id of every request answered 2xx, in arrival order."""
        return [r.headers.get("webhook-id", "") for r in self.snapshot() if 200 <= r.status < 300]

    def wait_for(self, count: int, *, timeout: float = 30) -> list[Received]:
        """Waits until `count` distinct webhook-ids were answered 2xx."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(set(self.ok_ids())) >= count:
                return self.snapshot()
            time.sleep(0.02)
        raise TimeoutError(f"received {len(set(self.ok_ids()))} of {count} deliveries")
