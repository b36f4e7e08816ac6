"""Regressions found in review: Retry-After dates without a zone, Reten token fetch failures, deleted tasks."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from vetanco.config import Settings
from vetanco.db import utcnow
from vetanco.reten.client import RetenClient, RetenError
from vetanco.webhooks.tasks import _retry_after


def test_retry_after_http_date_with_minus_zero_zone_is_understood() -> None:
    wait = _retry_after("Wed, 21 Oct 2099 07:28:00 -0000", utcnow())
    assert wait is not None
    assert wait > 0


def test_failed_token_fetch_does_not_leave_a_tokenless_client(settings: Settings) -> None:
    cfg = settings.model_copy(
        update={
            "reten_base_url": "http://127.0.0.1:9/v1",
            "reten_client_id": "x",
            "reten_client_secret": SecretStr("y"),
            "reten_max_retries": 0,
        }
    )
    client = RetenClient(cfg, sleep=lambda _s: None)
    for _ in range(2):
        with pytest.raises(RetenError) as caught:
            client.request("GET", "/tasks")
        assert caught.value.kind == "auth"
        assert client._oauth is None
    client.close()
