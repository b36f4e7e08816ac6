"""An ASGI app served by uvicorn in a daemon thread on loopback: the base of every simulator."""

from __future__ import annotations

import threading
import time
from typing import Self

import uvicorn
from starlette.types import ASGIApp


class ThreadedServer:
    """Starts on a free port (or a given one, to come back on the same address after a stop)."""

    def __init__(self, app: ASGIApp, *, port: int = 0, name: str = "server") -> None:
        self.app = app
        self.name = name
        self._port = port
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    def start(self) -> None:
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=self._port, log_level="error", lifespan="off"
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True, name=self.name)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(f"{self.name} did not start")
            time.sleep(0.01)
        self._port = self._server.servers[0].sockets[0].getsockname()[1]

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = None
        self._thread = None


class LoopbackSim:
    """Start/stop for a simulator whose ASGI app lives in `self.app` (port 0 picks a free one)."""

    app: ASGIApp
    _port: int
    _http: ThreadedServer | None
    _name = "sim"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    def start(self) -> Self:
        self._http = ThreadedServer(self.app, port=self._port, name=self._name)
        self._http.start()
        self._port = self._http.port
        return self

    def stop(self) -> None:
        if self._http is not None:
            self._http.stop()
            self._http = None
