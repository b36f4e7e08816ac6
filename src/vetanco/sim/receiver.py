"""A real HTTP webhook receiver on loopback, scriptable to fail, stall or go down (tests and bench)."""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass, field

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from vetanco.sim.server import LoopbackSim, ThreadedServer


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
        self._port = port
        self._http: ThreadedServer | None = None
        self.app = Starlette(routes=[Route("/{path:path}", self._handle, methods=["POST"])])

    async def _handle(self, request: Request) -> JSONResponse:
        body = await request.body()
        with self._lock:
            status = (
                self.behaviour.script.pop(0) if self.behaviour.script else self.behaviour.default
            )
            self.received.append(
                Received(time.time(), request.url.path, dict(request.headers), body, status)
            )
        if self.behaviour.delay:
            await asyncio.sleep(self.behaviour.delay)
        headers = {"Retry-After": self.behaviour.retry_after} if self.behaviour.retry_after else {}
        return JSONResponse({"ok": 200 <= status < 300}, status_code=status, headers=headers)

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
