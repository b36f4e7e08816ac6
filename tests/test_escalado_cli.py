"""`vetanco serve --workers N` and `vetanco worker --concurrency K` as an operator starts them."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from typer.testing import CliRunner

from tests.conftest import Api
from tests.factories import caso_payload, crear_caso
from tests.procesos import (
    Proceso,
    en_paralelo,
    free_port,
    hijos,
    http_por_proceso,
    is_up,
    stop_all,
    vetanco,
    wait_until,
)
from tests.webhooks.conftest import entregas, subscribe
from vetanco.cli import app as cli
from vetanco.config import get_settings
from vetanco.sim.receiver import Receiver

runner = CliRunner()


@pytest.fixture
def processes() -> Iterator[list[Proceso]]:
    started: list[Proceso] = []
    yield started
    stop_all(started)


def test_serve_workers_refuses_an_in_memory_database(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each process would get its own empty database: refused before anything starts."""
    monkeypatch.setenv("VETANCO_DATABASE_URL", "sqlite:///:memory:")
    get_settings.cache_clear()
    try:
        result = runner.invoke(cli, ["serve", "--workers", "2"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2
    assert "SQLite en memoria" in result.output


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_serve_workers_spawns_the_factory_with_shared_metrics(
    cli_env: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Migrations and keys once in the parent; children get the factory, the flag and one metrics dir."""
    monkeypatch.setenv("VETANCO_STORAGE_DIR", str(tmp_path / "storage"))
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR", raising=False)
    monkeypatch.delenv("VETANCO_WORKER_ENABLED", raising=False)
    get_settings.cache_clear()
    seen: dict[str, Any] = {}

    def fake_run(app: object, **options: Any) -> None:
        directory = os.environ["PROMETHEUS_MULTIPROC_DIR"]
        seen.update(options, app=app, directory=directory, exists=Path(directory).is_dir())
        seen["background"] = os.environ["VETANCO_WORKER_ENABLED"]

    monkeypatch.setattr(uvicorn, "run", fake_run)
    args = ["serve", "--workers", "3", "--no-background", "--no-migrate", "--port", "3999"]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert seen["app"] == "vetanco.app:create_app_from_env"
    assert (seen["factory"], seen["workers"], seen["port"]) == (True, 3, 3999)
    assert seen["timeout_worker_healthcheck"] == 60
    assert seen["background"] == "false"
    assert seen["exists"]
    assert not Path(seen["directory"]).exists()
    assert "PROMETHEUS_MULTIPROC_DIR" not in os.environ
    assert "VETANCO_WORKER_ENABLED" not in os.environ
    assert (tmp_path / "session.key").read_text().strip()
    assert "único escritor" in result.output
    assert "VETANCO_REDIS_URL" in result.output


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_serve_two_workers_on_sqlite_number_cases_and_deliver_once(
    api: Api, database_url: str, tmp_path: Path, processes: list[Proceso]
) -> None:
    """The SQLite choice: allowed (writers take turns), background loop in each API process.

    The processes take 8 s to answer uvicorn's first health check (a loaded machine): with uvicorn's
    5 s they were replaced every 5 s forever and only one, by luck, ever served.
    """
    metricas = tmp_path / "metricas"
    metricas.mkdir()
    receiver = Receiver().start()
    try:
        subscribe(api, receiver.url + "/h", ["caso.creado"])
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        args = ["serve", "--workers", "2", "--no-migrate", "--port", str(port)]
        extra = {"PROMETHEUS_MULTIPROC_DIR": str(metricas)}
        lento = [str(Path(__file__).with_name("arranque_lento.py"))]
        processes.append(vetanco(args, database_url, tmp_path, "serve", main=lento, **extra))
        wait_until(lambda: is_up(base), timeout=120, what="la API responde")

        def ambos_atienden() -> bool:
            en_paralelo(base, [("GET", "/healthz", None)] * 16)
            return len(http_por_proceso(metricas)) >= 2

        wait_until(ambos_atienden, what="los dos procesos de la API atienden")
        altas = [("POST", "/api/casos", caso_payload()) for _ in range(20)]
        creados = en_paralelo(base, altas, key=api.keys["colaborador"])
        assert [r.status_code for r in creados] == [201] * 20, creados[0].text
        receiver.wait_for(20, timeout=60)
        ids = receiver.ok_ids()
    finally:
        receiver.stop()
    secuencias = sorted(int(r.json()["caso"]["numero_caso"].rsplit("-", 1)[1]) for r in creados)
    assert secuencias == list(range(secuencias[0], secuencias[0] + 20))
    assert len(ids) == len(set(ids)) == 20


def test_worker_concurrency_runs_k_loops_replaces_a_dead_one_and_stops_on_sigterm(
    api: Api, database_url: str, tmp_path: Path, processes: list[Proceso]
) -> None:
    receiver = Receiver().start()
    try:
        hook = subscribe(api, receiver.url + "/h", ["caso.creado"])
        args = ["worker", "--concurrency", "2"]
        pool = vetanco(args, database_url, tmp_path, "pool", VETANCO_WEBHOOK_LEASE_SECONDS="60")
        processes.append(pool)
        wait_until(lambda: len(hijos(pool.pid)) == 2, what="dos procesos de trabajo")
        first = hijos(pool.pid)
        for _ in range(15):
            crear_caso(api)
        wait_until(lambda: len(entregas(api, hook["id"], estado="entregada")) == 15)
        muerto = min(first)
        os.kill(muerto, signal.SIGKILL)
        wait_until(lambda: len(hijos(pool.pid) - {muerto}) == 2, what="el reemplazo")
        for _ in range(15):
            crear_caso(api)
        wait_until(lambda: len(entregas(api, hook["id"], estado="entregada")) == 30)
        ids = receiver.ok_ids()
        children = hijos(pool.pid)
        pool.send_signal(signal.SIGTERM)
        assert pool.wait(timeout=30) == 0
    finally:
        receiver.stop()
    assert len(ids) == len(set(ids)) == 30
    assert not any(Path(f"/proc/{pid}").exists() for pid in children)
