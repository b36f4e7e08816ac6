"""POST /webhooks/kapso: signatures on raw bytes, both formats, durable storage and deduplication."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import func, select

from vetanco.app import create_app
from vetanco.config import Settings
from vetanco.db import Database
from vetanco.whatsapp.models import KapsoEvento

SECRET = "kapso-secret-de-prueba"


@pytest.fixture
def kapso_client(settings: Settings) -> Iterator[tuple[TestClient, Database]]:
    app = create_app(settings.model_copy(update={"kapso_webhook_secret": SecretStr(SECRET)}))
    with TestClient(app) as client:
        yield client, app.state.db
    app.state.db.dispose()


def _sign(body: bytes, secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _kapso_body(message_id: str, text: str = "Hola") -> bytes:
    payload = {
        "message": {
            "id": message_id,
            "timestamp": "1697623800",
            "type": "text",
            "text": {"body": text},
            "kapso": {"direction": "inbound", "status": "received", "origin": "cloud_api"},
        },
        "conversation": {
            "id": "conv_1",
            "phone_number": "+5491155551234",
            "phone_number_id": "123",
        },
        "is_new_conversation": True,
        "phone_number_id": "123",
    }
    return json.dumps(payload, indent=1, ensure_ascii=False).encode()


def _spec_body(message_id: str) -> bytes:
    payload = {
        "event": "message.received",
        "timestamp": "2025-10-18T10:30:00Z",
        "data": {
            "message_id": message_id,
            "from": "5491155551234",
            "to": "5491144445555",
            "type": "text",
            "content": {"text": "Hola, quiero hacer un reclamo"},
            "timestamp": 1697623800,
        },
    }
    return json.dumps(payload, separators=(", ", ": ")).encode()


def _count(db: Database) -> int:
    with db.transaction(write=False) as session:
        return int(session.scalar(select(func.count()).select_from(KapsoEvento)) or 0)


def _post(client: TestClient, body: bytes, headers: dict[str, str]) -> Any:
    return client.post(
        "/webhooks/kapso", content=body, headers={"Content-Type": "application/json", **headers}
    )


def test_kapso_format_is_stored_and_acknowledged(kapso_client: tuple[TestClient, Database]) -> None:
    client, db = kapso_client
    body = _kapso_body("wamid.1")
    response = _post(
        client,
        body,
        {"X-Webhook-Signature": _sign(body), "X-Webhook-Event": "whatsapp.message.received"},
    )
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "received": True}
    with db.transaction(write=False) as session:
        evento = session.scalars(select(KapsoEvento)).one()
    assert evento.telefono == "5491155551234"
    assert evento.formato == "kapso"
    assert evento.payload["texto"] == "Hola"
    assert evento.processed_at is None


def test_spec_format_with_spaced_json_verifies_on_raw_bytes(
    kapso_client: tuple[TestClient, Database],
) -> None:
    client, db = kapso_client
    body = _spec_body("wamid.2")
    response = _post(client, body, {"X-Kapso-Signature": _sign(body)})
    assert response.status_code == 200
    assert _count(db) == 1


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Webhook-Signature": "00" * 32},
        {"X-Kapso-Signature": _sign(b"otro cuerpo")},
        {"X-Webhook-Signature": _sign(_kapso_body("wamid.3"), "otro-secreto")},
    ],
)
def test_bad_or_missing_signature_is_401_and_stores_nothing(
    kapso_client: tuple[TestClient, Database], headers: dict[str, str]
) -> None:
    client, db = kapso_client
    response = _post(client, _kapso_body("wamid.3"), headers)
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"
    assert _count(db) == 0


def test_reserialised_json_signature_is_rejected(kapso_client: tuple[TestClient, Database]) -> None:
    """The spec's sample signs JSON.stringify(request.body); we sign the bytes as sent."""
    client, _ = kapso_client
    body = _spec_body("wamid.4")
    compact = json.dumps(json.loads(body), separators=(",", ":")).encode()
    assert _post(client, body, {"X-Kapso-Signature": _sign(compact)}).status_code == 401


def test_without_configured_secret_everything_is_refused(settings: Settings) -> None:
    app = create_app(settings)
    body = _kapso_body("wamid.5")
    with TestClient(app) as client:
        assert _post(client, body, {"X-Webhook-Signature": _sign(body)}).status_code == 401
    app.state.db.dispose()


def test_body_over_one_mebibyte_is_413(kapso_client: tuple[TestClient, Database]) -> None:
    client, db = kapso_client
    body = _kapso_body("wamid.6", "x" * (1024 * 1024 + 1))
    assert _post(client, body, {"X-Webhook-Signature": _sign(body)}).status_code == 413
    assert _count(db) == 0


@pytest.mark.parametrize(
    "body", [b"no es json", b"[1, 2]", b'{"foo": "bar"}', b'{"event": "x.y", "data": {}}']
)
def test_signed_but_unreadable_is_400(
    kapso_client: tuple[TestClient, Database], body: bytes
) -> None:
    client, _ = kapso_client
    response = _post(client, body, {"X-Webhook-Signature": _sign(body)})
    assert response.status_code == 400


def test_retries_and_duplicate_message_ids_are_stored_once(
    kapso_client: tuple[TestClient, Database],
) -> None:
    client, db = kapso_client
    body = _kapso_body("wamid.7")
    key = str(uuid.uuid4())
    headers = {"X-Webhook-Signature": _sign(body), "X-Idempotency-Key": key}
    for _ in range(3):
        assert _post(client, body, headers).status_code == 200
    other_delivery = {"X-Webhook-Signature": _sign(body), "X-Idempotency-Key": str(uuid.uuid4())}
    assert _post(client, body, other_delivery).status_code == 200
    assert _count(db) == 1


def test_batched_delivery_stores_each_message(kapso_client: tuple[TestClient, Database]) -> None:
    client, db = kapso_client
    items = [json.loads(_kapso_body(f"wamid.b{i}", f"mensaje {i}")) for i in range(3)]
    body = json.dumps({"type": "whatsapp.message.received", "batch": True, "data": items}).encode()
    headers = {"X-Webhook-Signature": _sign(body), "X-Webhook-Batch": "true", "X-Batch-Size": "3"}
    assert _post(client, body, headers).status_code == 200
    assert _count(db) == 3
