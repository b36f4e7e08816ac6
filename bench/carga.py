"""The loopback load generator of the benchmarks: HTTP/1.1 on keep-alive connections.

It runs in the benchmark's own process (no GIL shared with the server under test) and writes
request bytes built before the clock starts, so its cost per request is a small fraction of any
server's (a bare Starlette endpoint answers ~5 000–18 000 of them per second on this machine).
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

HOST = "127.0.0.1"


def peticion(path: str, body: bytes, headers: Mapping[str, str]) -> bytes:
    """One HTTP/1.1 POST, ready to write on a keep-alive connection."""
    lines = [f"POST {path} HTTP/1.1", f"Host: {HOST}", f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


class Conexion:
    """A keep-alive HTTP/1.1 connection that sends pre-built requests and reads one response each."""

    def __init__(
        self, port: int, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self.port, self.reader, self.writer = port, reader, writer

    @classmethod
    async def abrir(cls, port: int) -> Conexion:
        return cls(port, *await asyncio.open_connection(HOST, port))

    async def enviar(self, request: bytes) -> tuple[int, bytes]:
        """Sends once more on a new connection when the server had closed this idle one
        (uvicorn's 5 s keep-alive), as any HTTP client does; a webhook resent is deduplicated."""
        try:
            return await self._enviar(request)
        except (ConnectionError, asyncio.IncompleteReadError) as exc:
            if isinstance(exc, asyncio.IncompleteReadError) and exc.partial:
                raise
            self.cerrar()
            self.reader, self.writer = await asyncio.open_connection(HOST, self.port)
            return await self._enviar(request)

    async def _enviar(self, request: bytes) -> tuple[int, bytes]:
        self.writer.write(request)
        head = await self.reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return int(head[9:12]), await self.reader.readexactly(length) if length else b""

    def cerrar(self) -> None:
        self.writer.close()


@dataclass
class Resultado:
    segundos: float = 0.0
    latencias: list[float] = field(default_factory=list)  # ms
    estados: Counter[int] = field(default_factory=Counter)
    cpu: float = float("nan")  # server CPU seconds, when the caller measured them

    @property
    def por_segundo(self) -> float:
        return len(self.latencias) / self.segundos if self.segundos else 0.0


async def cerrada(
    port: int,
    peticiones: Sequence[bytes],
    concurrencia: int,
    *,
    segundos: float | None = None,
    ciclar: bool = False,
) -> Resultado:
    """Closed loop: `concurrencia` senders, each sending its next request when the last answers,
    until the requests run out or `segundos` pass (`ciclar` reuses them for a stateless server)."""
    resultado = Resultado()
    pendientes = itertools.cycle(peticiones) if ciclar else iter(peticiones)
    fin = time.perf_counter() + segundos if segundos else float("inf")

    async def emisor() -> None:
        conn = await Conexion.abrir(port)
        try:
            for request in pendientes:
                started = time.perf_counter()
                try:
                    status, _ = await conn.enviar(request)
                except (ConnectionError, asyncio.IncompleteReadError):
                    status = 0  # counted as a failure; the sender carries on with a new connection
                    conn.cerrar()
                    conn = await Conexion.abrir(port)
                resultado.latencias.append((time.perf_counter() - started) * 1000)
                resultado.estados[status] += 1
                if started > fin:
                    break
        finally:
            conn.cerrar()

    started = time.perf_counter()
    await asyncio.gather(*(emisor() for _ in range(concurrencia)))
    resultado.segundos = time.perf_counter() - started
    return resultado


async def abierta(port: int, peticiones: Sequence[bytes], tasa: float) -> Resultado:
    """Open loop at a fixed offered load: request i leaves at t0 + i/tasa whatever the server does,
    and its latency counts from that scheduled instant (no coordinated omission)."""
    resultado = Resultado()
    libres: list[Conexion] = [await Conexion.abrir(port) for _ in range(8)]
    t0 = time.perf_counter() + 0.05

    async def una(i: int, request: bytes) -> None:
        at = t0 + i / tasa
        await asyncio.sleep(max(0.0, at - time.perf_counter()))
        conn = libres.pop() if libres else await Conexion.abrir(port)
        status, _ = await conn.enviar(request)
        resultado.latencias.append((time.perf_counter() - at) * 1000)
        resultado.estados[status] += 1
        libres.append(conn)

    await asyncio.gather(*(una(i, r) for i, r in enumerate(peticiones)))
    resultado.segundos = time.perf_counter() - t0
    for conn in libres:
        conn.cerrar()
    return resultado
