"""`vetanco webhook …` commands, and the dispatcher that `serve` runs in-process."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from tests.conftest import Api
from tests.factories import crear_caso
from vetanco.app import create_app
from vetanco.cli import app as cli
from vetanco.config import Settings
from vetanco.db import Database
from vetanco.sim.receiver import Receiver
from vetanco.webhooks.service import listar_endpoints

runner = CliRunner()


@pytest.fixture
def cli_env(cli_env: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("VETANCO_WEBHOOK_ALLOW_PRIVATE", "false")
    return cli_env


def test_webhook_add_list_remove(cli_env: str) -> None:
    added = runner.invoke(
        cli,
        ["webhook", "add", "https://93.184.216.34/hook", "--events", "caso.creado,caso.resuelto"],
    )
    assert added.exit_code == 0, added.output
    secret = added.output.strip().splitlines()[-1]
    assert secret.startswith("whsec_")
    listed = runner.invoke(cli, ["webhook", "list"])
    assert listed.exit_code == 0
    assert "https://93.184.216.34/hook" in listed.output
    assert secret not in listed.output
    with Database(cli_env).transaction(write=False) as session:
        [endpoint] = listar_endpoints(session)
        endpoint_id = str(endpoint.id)
    assert endpoint.events == ["caso.creado", "caso.resuelto"]
    assert endpoint_id in listed.output
    assert runner.invoke(cli, ["webhook", "remove", endpoint_id]).exit_code == 0
    assert runner.invoke(cli, ["webhook", "remove", endpoint_id]).exit_code == 1
    assert runner.invoke(cli, ["webhook", "remove", "no-es-uuid"]).exit_code == 1


def test_webhook_add_refuses_bad_events_and_private_urls(cli_env: str) -> None:
    bad_event = runner.invoke(
        cli, ["webhook", "add", "https://93.184.216.34/h", "--events", "caso.borrado"]
    )
    assert bad_event.exit_code == 1
    private = runner.invoke(cli, ["webhook", "add", "http://127.0.0.1/h", "--events", "*"])
    assert private.exit_code == 1
    assert "interna" in private.output


def test_serve_delivers_in_process(settings: Settings, keys: dict[str, str]) -> None:
    """With the worker enabled (the default of `vetanco serve`), events leave without any manual step."""
    receiver = Receiver().start()
    application = create_app(settings.model_copy(update={"worker_enabled": True}))
    try:
        with TestClient(application) as client:
            api = Api(client, keys)
            response = api.post(
                "/api/webhooks", json={"url": receiver.url + "/h", "events": ["caso.creado"]}
            )
            assert response.status_code == 201
            crear_caso(api)
            receiver.wait_for(1, timeout=20)
    finally:
        receiver.stop()
        application.state.db.dispose()
