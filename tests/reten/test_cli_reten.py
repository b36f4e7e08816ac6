"""`vetanco reten sync`: a reconcile in the foreground whose last line is a JSON summary."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

from vetanco.cli import app as cli
from vetanco.config import get_settings
from vetanco.sim.reten import RetenSim

runner = CliRunner()


@pytest.fixture
def env(database_url: str, monkeypatch: pytest.MonkeyPatch, reten: RetenSim) -> Iterator[RetenSim]:
    monkeypatch.setenv("VETANCO_DATABASE_URL", database_url)
    monkeypatch.setenv("VETANCO_RETEN_BASE_URL", reten.base_url)
    monkeypatch.setenv("VETANCO_RETEN_CLIENT_ID", "sim-client")
    monkeypatch.setenv("VETANCO_RETEN_CLIENT_SECRET", "sim-secret")
    get_settings.cache_clear()
    yield reten
    get_settings.cache_clear()


def test_sync_prints_a_json_summary_last(env: RetenSim) -> None:
    for i in range(130):
        env.add_task(title=f"Visita {i}")
    result = runner.invoke(cli, ["reten", "sync", "--full"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output.strip().splitlines()[-1])
    assert summary == {
        "pages": 2,
        "fetched": 130,
        "created": 130,
        "updated": 0,
        "unchanged": 0,
        "errors": 0,
        "vanished": 0,
    }


def test_sync_without_base_url_says_the_connector_is_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VETANCO_RETEN_BASE_URL", raising=False)
    get_settings.cache_clear()
    result = runner.invoke(cli, ["reten", "sync"])
    get_settings.cache_clear()
    assert result.exit_code == 1
    assert "apagado" in result.output


def test_webhook_register_keeps_the_returned_id(
    env: RetenSim, monkeypatch: pytest.MonkeyPatch, database_url: str
) -> None:
    monkeypatch.setenv("VETANCO_RETEN_WEBHOOK_SECRET", "secreto")
    get_settings.cache_clear()
    result = runner.invoke(
        cli, ["reten", "webhook-register", "--url", "https://vetanco.ejemplo.com"]
    )
    assert result.exit_code == 0, result.output
    webhook_id = result.output.strip().splitlines()[-1]
    assert [w["id"] for w in env.webhooks] == [webhook_id]
    assert env.webhooks[0]["url"] == "https://vetanco.ejemplo.com/webhooks/reten"
    from vetanco.db import Database
    from vetanco.reten.models import RetenEstado

    database = Database(database_url)
    with database.transaction(write=False) as session:
        assert session.get(RetenEstado, 1).webhook_id == webhook_id  # type: ignore[union-attr]
    database.dispose()
