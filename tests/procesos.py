"""Real `vetanco` processes for tests: start them, wait for them, and never leave one behind."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from prometheus_client import CollectorRegistry, Metric
from prometheus_client.multiprocess import MultiProcessCollector

Proceso = subprocess.Popen[bytes]
Muestras = Counter[tuple[str, ...]]


def env_for(database_url: str, **extra: str) -> dict[str, str]:
    """Fast retries and polling, loopback webhooks allowed, quiet logs."""
    return {
        **os.environ,
        "VETANCO_DATABASE_URL": database_url,
        "VETANCO_WEBHOOK_ALLOW_PRIVATE": "true",
        "VETANCO_WEBHOOK_RETRY_SCHEDULE": "0.1,0.2,0.5,1,1,1,1,1",
        "VETANCO_WORKER_POLL_INTERVAL": "0.05",
        "VETANCO_LOG_LEVEL": "WARNING",
        **extra,
    }


def vetanco(
    args: list[str],
    database_url: str,
    tmp_path: Path,
    name: str,
    *,
    main: list[str] | None = None,
    **extra: str,
) -> Proceso:
    """`vetanco ARGS` in its own process group, so the children it spawns die with it; log in NAME.log."""
    return subprocess.Popen(
        [sys.executable, *(main or ["-m", "vetanco.cli"]), *args],
        env=env_for(database_url, **extra),
        stdout=(tmp_path / f"{name}.log").open("wb"),
        stderr=subprocess.STDOUT,
        cwd=tmp_path,
        start_new_session=True,
    )


def worker(database_url: str, tmp_path: Path, name: str, **extra: str) -> Proceso:
    return vetanco(["worker"], database_url, tmp_path, name, **extra)


def stop_all(processes: list[Proceso]) -> None:
    """SIGTERM first (a supervisor stops its children), then SIGKILL to whatever is left of each group."""
    for proc in processes:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=20)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def wait_until(condition: Callable[[], object], timeout: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"condition not reached: {what or condition}")
        time.sleep(0.05)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def is_up(base: str) -> bool:
    try:
        return httpx.get(f"{base}/healthz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def en_paralelo(
    base: str, pedidos: Sequence[tuple[str, str, object]], *, key: str | None = None
) -> list[httpx.Response]:
    """Each request on a fresh connection from one of 8 threads, so every API process gets some."""
    headers = {"Authorization": f"Bearer {key}"} if key else {}

    def uno(pedido: tuple[str, str, object]) -> httpx.Response:
        method, path, body = pedido
        with httpx.Client(base_url=base, timeout=30) as client:
            return client.request(method, path, json=body, headers=headers)

    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(uno, pedidos))


def muestras(familias: Iterable[Metric], nombre: str) -> Muestras:
    """Sample values of one metric by their label values (sorted by label name)."""
    cuentas: Muestras = Counter()
    for familia in familias:
        for s in familia.samples:
            if s.name == nombre:
                cuentas[tuple(v for _, v in sorted(s.labels.items()))] += int(s.value)
    return cuentas


def http_por_proceso(directorio: Path) -> dict[int, Muestras]:
    """vetanco_http_requests of each process, read from its own file in PROMETHEUS_MULTIPROC_DIR."""
    out: dict[int, Muestras] = {}
    for archivo in directorio.glob("counter_*.db"):
        with tempfile.TemporaryDirectory() as solo:
            shutil.copy(archivo, solo)
            registro = CollectorRegistry()
            MultiProcessCollector(registro, path=solo)  # type: ignore[no-untyped-call]
            cuentas = muestras(registro.collect(), "vetanco_http_requests_total")
        if cuentas:
            out[int(archivo.stem.split("_")[1])] = cuentas
    return out


def hijos(pid: int) -> set[int]:
    """Worker children of PID started by multiprocessing (not its resource tracker), from /proc."""
    out: set[int] = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            ppid = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            cmdline = (stat.parent / "cmdline").read_bytes()
        except (OSError, IndexError, ValueError):
            continue
        if ppid == pid and b"spawn_main" in cmdline:
            out.add(int(stat.parent.name))
    return out
