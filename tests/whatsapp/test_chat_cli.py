"""`vetanco chat` (ChatSession over a live server and its embedded sim) and `vetanco sim kapso`."""

from __future__ import annotations

import builtins
import io
import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from rich.console import Console
from typer.testing import CliRunner

from vetanco.cli import app as cli
from vetanco.config import Settings, get_settings
from vetanco.db import Database
from vetanco.sim.chat import ChatError, ChatSession, Formato, iniciar_sim, render, repl
from vetanco.sim.kapso import KapsoSim
from vetanco.worker import BackgroundThread

MENU = ["Registrar caso", "Consultar estado", "Hablar con persona"]
TIPOS = ["Reclamo (producto)", "Queja (servicio)", "Comentario"]
KAPSO_VARS = (
    "VETANCO_KAPSO_API_KEY",
    "VETANCO_KAPSO_WEBHOOK_SECRET",
    "VETANCO_KAPSO_API_URL",
    "VETANCO_KAPSO_PHONE_NUMBER_ID",
)
runner = CliRunner()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def _chat_settings(api_url: str) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        kapso_api_key=SecretStr("demo-clave"),
        kapso_webhook_secret=SecretStr("demo-secreto"),
        kapso_api_url=api_url,
        kapso_phone_number_id="demo",
    )


@pytest.fixture
def kapso() -> Iterator[KapsoSim]:
    """The sim `vetanco chat` embeds, built from settings; the app's settings then point at it."""
    url = f"http://127.0.0.1:{_free_port()}/meta/whatsapp/v24.0"
    sim = iniciar_sim(_chat_settings(url))
    assert sim.api_url == url
    yield sim
    sim.stop()


@pytest.fixture
def background(db: Database, settings: Settings) -> Iterator[None]:
    """The worker as `vetanco serve` runs it, so replies arrive on their own."""
    worker = BackgroundThread(db, settings)
    worker.start()
    yield
    worker.shutdown()


@pytest.fixture(params=["kapso", "spec"])
def session(
    request: pytest.FixtureRequest, kapso: KapsoSim, live_server: str, background: None
) -> ChatSession:
    formato: Formato = request.param
    return ChatSession(kapso, live_server, telefono="+5491155551234", formato=formato)


def _plain(text: object) -> str:
    console = Console(file=io.StringIO(), width=120, color_system=None)
    console.print(text)
    out = console.file.getvalue()  # type: ignore[attr-defined]
    assert isinstance(out, str)
    return out


def test_greeting_number_tap_and_salir(session: ChatSession, kapso: KapsoSim) -> None:
    menu = session.send("Hola")
    assert menu, "the bot did not answer"
    assert all(m.to == "5491155551234" for m in menu)
    assert [o.title for o in session.opciones] == MENU
    shown = _plain(render(menu[-1]))
    assert "  1) Registrar caso" in shown
    assert "  3) Hablar con persona" in shown
    assert "1. Registrar caso" not in shown  # the typed fallback is not printed twice

    tipos = session.send("1")
    delivery = kapso.last_delivery
    assert delivery is not None
    sent = json.loads(delivery.body)
    if session.formato == "kapso":
        interactive = sent["message"]["interactive"]
        assert interactive["type"] == "button_reply"
        assert interactive["button_reply"] == {"id": "registrar", "title": "Registrar caso"}
        assert sent["message"]["context"]["id"] == menu[-1].message_id
    else:
        assert sent["data"]["type"] == "interactive"
        assert sent["data"]["content"]["button_reply"]["title"] == "Registrar caso"
    assert tipos, "the bot did not answer the button"
    assert [o.title for o in session.opciones] == TIPOS
    assert "  1) Reclamo (producto)" in _plain(render(tipos[-1]))

    assert session.send("/salir") == []
    assert session.terminado
    assert kapso.last_delivery is delivery  # nothing was sent


def test_numbers_beyond_the_options_go_as_text(session: ChatSession, kapso: KapsoSim) -> None:
    session.send("Hola")
    session.send("7")
    delivery = kapso.last_delivery
    assert delivery is not None
    body = json.loads(delivery.body)
    if session.formato == "kapso":
        assert body["message"]["text"] == {"body": "7"}
    else:
        assert body["data"]["content"] == {"text": "7"}


def test_repl_prints_the_conversation(
    session: ChatSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = iter(["Hola", "", "1", "/salir", "nunca se manda"])
    monkeypatch.setattr(builtins, "input", lambda *_: next(lines))
    out = io.StringIO()
    repl(session, Console(file=out, width=100, color_system=None))
    text = out.getvalue()
    assert "vos> " in text
    assert "  1) Registrar caso" in text
    assert "  2) Queja (servicio)" in text
    assert text.rstrip().endswith("Chau.")
    assert next(lines) == "nunca se manda"


def test_ctrl_d_ends_the_repl(session: ChatSession, monkeypatch: pytest.MonkeyPatch) -> None:
    def eof(*_: object) -> str:
        raise EOFError

    monkeypatch.setattr(builtins, "input", eof)
    out = io.StringIO()
    repl(session, Console(file=out, width=100, color_system=None))
    assert "Chau." in out.getvalue()


def test_foto_sends_an_image_message(session: ChatSession, kapso: KapsoSim, tmp_path: Path) -> None:
    foto = tmp_path / "frasco.jpg"
    foto.write_bytes(b"\xff\xd8\xff\xe0fake-jpeg")
    session.send("Hola")
    session.send(f"/foto {foto}")
    delivery = kapso.last_delivery
    assert delivery is not None
    body = json.loads(delivery.body)
    media_id = (
        body["message"]["image"]["id"]
        if session.formato == "kapso"
        else body["data"]["media"]["id"]
    )
    assert media_id.startswith("chat-")
    with pytest.raises(ChatError, match="No encuentro"):
        session.send(f"/foto {tmp_path / 'no-existe.jpg'}")
    (tmp_path / "notas.txt").write_text("hola")
    with pytest.raises(ChatError, match="imágenes"):
        session.send(f"/foto {tmp_path / 'notas.txt'}")
    assert kapso.last_delivery is delivery


def test_embedded_sim_refuses_a_remote_kapso_url() -> None:
    with pytest.raises(ChatError, match="simulador local"):
        iniciar_sim(_chat_settings("https://api.kapso.ai/meta/whatsapp/v24.0"))


@pytest.fixture
def sin_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[pytest.MonkeyPatch]:
    """No VETANCO_KAPSO_* in the environment and no .env in the working directory."""
    monkeypatch.chdir(tmp_path)
    for var in KAPSO_VARS:
        monkeypatch.delenv(var, raising=False)
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def test_sim_kapso_refuses_without_settings(sin_env: pytest.MonkeyPatch) -> None:
    result = runner.invoke(cli, ["sim", "kapso", "--port", str(_free_port())])
    assert result.exit_code == 1
    output = " ".join(result.output.split())
    assert "VETANCO_KAPSO_API_KEY y VETANCO_KAPSO_WEBHOOK_SECRET" in output
    sin_env.setenv("VETANCO_KAPSO_API_KEY", "demo-clave")
    get_settings.cache_clear()
    result = runner.invoke(cli, ["sim", "kapso", "--port", str(_free_port())])
    assert result.exit_code == 1
    output = " ".join(result.output.split())
    assert "Falta configurar VETANCO_KAPSO_WEBHOOK_SECRET" in output


def test_chat_refuses_a_kapso_url_off_this_machine(sin_env: pytest.MonkeyPatch) -> None:
    sin_env.setenv("VETANCO_KAPSO_API_KEY", "demo-clave")
    sin_env.setenv("VETANCO_KAPSO_WEBHOOK_SECRET", "demo-secreto")
    sin_env.setenv("VETANCO_KAPSO_API_URL", "https://api.kapso.ai/meta/whatsapp/v24.0")
    result = runner.invoke(cli, ["chat"])
    assert result.exit_code == 1
    output = " ".join(result.output.split())
    assert "simulador local" in output
    assert "cp .env.demo .env" in output
