"""Authorization-code flow: login URL, callback, refresh token stored encrypted, refreshed after expiry."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from tests.reten.conftest import fast_sleep, reten_settings
from vetanco.app import create_app
from vetanco.config import Settings
from vetanco.reten.client import RetenClient
from vetanco.reten.metrics import Metrics
from vetanco.reten.models import RetenEstado
from vetanco.reten.oauth import TokenStore, authorize_url
from vetanco.sim.reten import RetenSim


def _settings(settings: Settings, sim: RetenSim) -> Settings:
    return reten_settings(settings, sim).model_copy(
        update={
            "reten_grant": "authorization_code",
            "secret_key": SecretStr("clave-maestra-de-prueba"),
        }
    )


def test_login_callback_and_encrypted_refresh_token(settings: Settings, reten: RetenSim) -> None:
    cfg = _settings(settings, reten)
    reten.add_task(title="Visita a Cliente ABC")
    url = authorize_url(cfg)
    assert url.startswith(reten.authorize_url)
    assert parse_qs(urlsplit(url).query)["response_type"] == ["code"]
    redirect = httpx.get(url, follow_redirects=False)
    assert redirect.status_code == 302
    back = urlsplit(redirect.headers["location"])
    assert back.path == "/oauth/reten/callback"
    app = create_app(cfg)
    with TestClient(app) as client:
        assert client.get(f"/oauth/reten/callback?{back.query}").status_code == 200
        tampered = back.query.replace("state=", "state=9")
        assert client.get(f"/oauth/reten/callback?{tampered}").status_code == 400
    db = app.state.db
    with db.transaction(write=False) as session:
        stored = session.get(RetenEstado, 1).refresh_token_enc  # type: ignore[union-attr]
    assert stored
    assert "rt_" not in stored  # encrypted, not the token itself
    reten_client = RetenClient(cfg, metrics=Metrics(), sleep=fast_sleep, tokens=TokenStore(db, cfg))
    try:
        assert len(reten_client.request("GET", "/tasks").json()["data"]) == 1
        reten.expire_tokens()
        assert (
            len(reten_client.request("GET", "/tasks").json()["data"]) == 1
        )  # refreshed once, retried
    finally:
        reten_client.close()
        db.dispose()


def test_without_authorization_the_client_says_so(
    settings: Settings, reten: RetenSim, db: object
) -> None:
    from vetanco.db import Database
    from vetanco.reten.client import RetenError

    assert isinstance(db, Database)
    cfg = _settings(settings, reten)
    client = RetenClient(cfg, metrics=Metrics(), sleep=fast_sleep, tokens=TokenStore(db, cfg))
    with pytest.raises(RetenError, match="reten login") as caught:
        client.request("GET", "/tasks")
    client.close()
    assert caught.value.kind == "auth"
