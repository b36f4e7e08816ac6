"""The Kapso simulator: signed inbound webhooks in both formats, WhatsApp-like send API, media."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from vetanco.sim.kapso import KapsoSim, SentMessage, validate
from vetanco.sim.receiver import Received, Receiver

SECRET = "test-secret"
KEY = "test-key"
PHONE = "5491155551234"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver().start()
    yield r
    r.stop()


@pytest.fixture
def sim(receiver: Receiver) -> Iterator[KapsoSim]:
    s = KapsoSim(api_key=KEY, webhook_secret=SECRET, target_url=f"{receiver.url}/webhooks/kapso")
    s.start()
    yield s
    s.stop()


def last(receiver: Receiver) -> tuple[Received, dict[str, Any]]:
    got = receiver.snapshot()[-1]
    body: dict[str, Any] = json.loads(got.body)
    return got, body


def hmac_hex(raw: bytes) -> str:
    return hmac.new(SECRET.encode(), raw, hashlib.sha256).hexdigest()


def send(sim: KapsoSim, body: dict[str, Any], key: str = KEY) -> httpx.Response:
    url = f"{sim.api_url}/{sim.phone_number_id}/messages"
    return httpx.post(url, json=body, headers={"X-API-Key": key})


def text_msg(body: str = "Hola") -> dict[str, Any]:
    return {"messaging_product": "whatsapp", "to": PHONE, "type": "text", "text": {"body": body}}


def buttons_msg(*titles: str) -> dict[str, Any]:
    buttons = [
        {"type": "reply", "reply": {"id": f"b{i}", "title": t}} for i, t in enumerate(titles)
    ]
    interactive = {
        "type": "button",
        "body": {"text": "¿Qué querés hacer?"},
        "action": {"buttons": buttons},
    }
    return {
        "messaging_product": "whatsapp",
        "to": PHONE,
        "type": "interactive",
        "interactive": interactive,
    }


def list_msg(rows: int, title: str = "Fila") -> dict[str, Any]:
    section = {
        "title": "Opciones",
        "rows": [{"id": f"r{i}", "title": f"{title} {i}"} for i in range(rows)],
    }
    action = {"button": "Elegir", "sections": [section]}
    interactive = {"type": "list", "body": {"text": "Elegí una"}, "action": action}
    return {
        "messaging_product": "whatsapp",
        "to": PHONE,
        "type": "interactive",
        "interactive": interactive,
    }


# --- inbound: kapso format ------------------------------------------------------------------


def test_kapso_text_is_signed_on_the_raw_bytes(sim: KapsoSim, receiver: Receiver) -> None:
    response = sim.send_text(PHONE, "Hola, quiero hacer un reclamo — ñandú", contact_name="Juan")
    assert response.status_code == 200
    got, body = last(receiver)
    assert got.path == "/webhooks/kapso"
    assert got.headers["x-webhook-signature"] == hmac_hex(got.body)
    assert got.headers["x-webhook-event"] == "whatsapp.message.received"
    assert got.headers["x-webhook-payload-version"] == "v2"
    assert got.headers["content-type"] == "application/json"
    assert len(got.headers["x-idempotency-key"]) == 36
    # re-serialising the parsed JSON (Python default or JSON.stringify style) breaks the signature
    for again in (json.dumps(body), json.dumps(body, separators=(",", ":"), ensure_ascii=False)):
        assert hmac_hex(again.encode()) != got.headers["x-webhook-signature"]
    message = body["message"]
    assert message["from"] == PHONE
    assert message["id"].startswith("wamid.")
    assert message["timestamp"].isdigit()
    assert message["type"] == "text"
    assert message["text"] == {"body": "Hola, quiero hacer un reclamo — ñandú"}
    assert message["kapso"] == {
        "direction": "inbound",
        "status": "received",
        "origin": "cloud_api",
        "has_media": False,
    }
    conversation = body["conversation"]
    assert conversation["id"].startswith("conv_")
    assert conversation["phone_number"] == f"+{PHONE}"
    assert conversation["status"] == "active"
    assert conversation["phone_number_id"] == sim.phone_number_id
    assert conversation["kapso"] == {"contact_name": "Juan"}
    assert body["is_new_conversation"] is True
    assert body["phone_number_id"] == sim.phone_number_id

    sim.send_text(PHONE, "otra cosa", message_id="wamid.FIXED")
    got2, body2 = last(receiver)
    assert body2["is_new_conversation"] is False
    assert body2["conversation"]["id"] == conversation["id"]
    assert body2["conversation"]["kapso"] == {"contact_name": "Juan"}
    assert body2["message"]["id"] == "wamid.FIXED"
    assert got2.headers["x-idempotency-key"] != got.headers["x-idempotency-key"]


def test_kapso_replies_omit_from_and_context(sim: KapsoSim, receiver: Receiver) -> None:
    sim.send_button_reply(PHONE, "si", "Sí", context_id="wamid.Q", omit_from=True)
    _, body = last(receiver)
    message = body["message"]
    assert "from" not in message
    assert body["conversation"]["phone_number"] == f"+{PHONE}"
    assert message["type"] == "interactive"
    assert message["interactive"] == {
        "type": "button_reply",
        "button_reply": {"id": "si", "title": "Sí"},
    }
    assert message["context"] == {"from": sim.business_number, "id": "wamid.Q"}

    sim.send_list_reply(PHONE, "r2", "Reclamo", description="Producto defectuoso")
    _, body = last(receiver)
    assert body["message"]["interactive"] == {
        "type": "list_reply",
        "list_reply": {"id": "r2", "title": "Reclamo", "description": "Producto defectuoso"},
    }


def test_batch_form(sim: KapsoSim, receiver: Receiver) -> None:
    sim.send_batch(PHONE, ["uno", "dos", "tres"])
    got, body = last(receiver)
    assert got.headers["x-webhook-batch"] == "true"
    assert got.headers["x-batch-size"] == "3"
    assert got.headers["x-webhook-event"] == "whatsapp.message.received"
    assert got.headers["x-webhook-signature"] == hmac_hex(got.body)
    assert body["type"] == "whatsapp.message.received"
    assert body["batch"] is True
    assert [e["message"]["text"]["body"] for e in body["data"]] == ["uno", "dos", "tres"]
    assert [e["is_new_conversation"] for e in body["data"]] == [True, False, False]
    assert len({e["message"]["id"] for e in body["data"]}) == 3
    with pytest.raises(ValueError, match="between 1 and 100"):
        sim.send_batch(PHONE, [])


def test_resend_last_is_byte_identical(sim: KapsoSim, receiver: Receiver) -> None:
    sim.send_text(PHONE, "hola")
    assert sim.resend_last().status_code == 200
    first, again = receiver.snapshot()[-2:]
    assert again.body == first.body
    assert again.headers["x-idempotency-key"] == first.headers["x-idempotency-key"]
    assert again.headers["x-webhook-signature"] == first.headers["x-webhook-signature"]
    assert again.path == first.path


def test_status_events(sim: KapsoSim, receiver: Receiver) -> None:
    sent = send(sim, text_msg()).json()["messages"][0]["id"]
    sim.send_status(sent, "delivered", to=PHONE)
    got, body = last(receiver)
    assert got.headers["x-webhook-event"] == "whatsapp.message.delivered"
    assert got.headers["x-webhook-signature"] == hmac_hex(got.body)
    assert body["message"]["id"] == sent
    assert body["message"]["status"] == "delivered"
    assert body["message"]["type"] == "text"
    assert body["message"]["kapso"]["direction"] == "outbound"
    assert body["message"]["kapso"]["status"] == "delivered"
    assert body["is_new_conversation"] is False
    assert "errors" not in body["message"]

    sim.send_status(sent, "failed", to=PHONE)
    got, body = last(receiver)
    assert got.headers["x-webhook-event"] == "whatsapp.message.failed"
    assert body["message"]["errors"][0]["code"] == 131047

    sim.send_status(sent, "read", to=PHONE, fmt="spec")
    got, body = last(receiver)
    assert got.headers["x-kapso-signature"] == hmac_hex(got.body)
    assert body["event"] == "message.read"
    assert body["data"] == {"message_id": sent, "status": "read"}
    with pytest.raises(ValueError, match="status"):
        sim.send_status(sent, "bogus", to=PHONE)


# --- inbound: spec format -------------------------------------------------------------------


def test_spec_format(sim: KapsoSim, receiver: Receiver) -> None:
    sim.send_text(PHONE, "Hola, quiero hacer un reclamo", fmt="spec")
    got, body = last(receiver)
    assert got.headers["x-kapso-signature"] == hmac_hex(got.body)
    assert "x-webhook-signature" not in got.headers
    assert body["event"] == "message.received"
    assert body["timestamp"].endswith("Z")
    data = body["data"]
    assert data["from"] == PHONE
    assert data["to"] == sim.business_number
    assert data["type"] == "text"
    assert data["content"] == {"text": "Hola, quiero hacer un reclamo"}
    assert isinstance(data["timestamp"], int)
    assert data["message_id"].startswith("wamid.")

    sim.send_button_reply(PHONE, "si", "Sí", fmt="spec")
    _, body = last(receiver)
    assert body["data"]["type"] == "interactive"
    assert body["data"]["content"] == {"button_reply": {"id": "si", "title": "Sí"}}

    sim.send_status("wamid.X", "sent", to=PHONE, fmt="spec")
    _, body = last(receiver)
    assert body["event"] == "message.sent"
    assert body["data"] == {"message_id": "wamid.X", "to": PHONE, "status": "sent"}
    with pytest.raises(ValueError, match="fmt"):
        sim.send_text(PHONE, "x", fmt="meta")


# --- outbound API ---------------------------------------------------------------------------


def test_send_api_auth_and_validation(sim: KapsoSim) -> None:
    assert send(sim, text_msg(), key="wrong").status_code == 401
    no_key = httpx.post(f"{sim.api_url}/{sim.phone_number_id}/messages", json=text_msg())
    assert no_key.status_code == 401
    assert "error" in no_key.json()

    four = send(sim, buttons_msg("a", "b", "c", "d"))
    assert four.status_code == 400
    assert four.json()["error"]["code"] == 131009
    assert send(sim, buttons_msg("x" * 21)).status_code == 400
    assert send(sim, buttons_msg("Sí", "Sí")).status_code == 400
    assert send(sim, list_msg(11)).status_code == 400
    assert send(sim, list_msg(2, title="x" * 25)).status_code == 400
    assert send(sim, text_msg("x" * 4097)).status_code == 400
    assert send(sim, {**text_msg(), "messaging_product": "sms"}).status_code == 400
    wrong_number = httpx.post(
        f"{sim.api_url}/999/messages", json=text_msg(), headers={"X-API-Key": KEY}
    )
    assert wrong_number.status_code == 400
    assert sim.sent_snapshot() == []
    assert len(sim.rejected) == 8


def test_send_api_records_accepted_messages(sim: KapsoSim) -> None:
    response = send(sim, {**text_msg("Hola 👋"), "context": {"message_id": "wamid.IN"}})
    assert response.status_code == 200
    answer = response.json()
    assert answer["messaging_product"] == "whatsapp"
    assert answer["contacts"] == [{"input": PHONE, "wa_id": PHONE}]
    wamid = answer["messages"][0]["id"]
    assert wamid.startswith("wamid.SIM")
    assert send(sim, buttons_msg("Sí", "No", "Tal vez")).status_code == 200
    assert send(sim, list_msg(10)).status_code == 200
    read = {"messaging_product": "whatsapp", "status": "read", "message_id": "wamid.IN"}
    assert send(sim, read).json() == {"success": True}

    text, buttons, rows = sim.wait_for_sent(3, timeout=1)
    assert len(sim.sent) == 3
    assert sim.marked_read == ["wamid.IN"]
    assert isinstance(text, SentMessage)
    assert (text.phone_number_id, text.to, text.type) == (sim.phone_number_id, PHONE, "text")
    assert text.message_id == wamid
    assert text.text == "Hola 👋"
    assert text.reply_to == "wamid.IN"
    assert text.buttons == []
    assert text.rows == []
    assert buttons.text == "¿Qué querés hacer?"
    assert buttons.buttons == [("b0", "Sí"), ("b1", "No"), ("b2", "Tal vez")]
    assert rows.rows[0] == ("r0", "Fila 0")
    assert len(rows.rows) == 10
    assert rows.body["interactive"]["action"]["button"] == "Elegir"


def test_fail_next(sim: KapsoSim) -> None:
    sim.fail_next(409)
    busy = send(sim, text_msg("uno"))
    assert busy.status_code == 409
    assert busy.json() == {"error": {"message": "Another message is being processed", "code": 409}}
    assert send(sim, text_msg("uno")).status_code == 200
    sim.fail_next(500, times=2)
    assert [send(sim, text_msg("dos")).status_code for _ in range(3)] == [500, 500, 200]
    assert [s.text for s in sim.sent_snapshot()] == ["uno", "dos"]


def test_wait_for_sent(sim: KapsoSim) -> None:
    threading.Timer(0.2, lambda: send(sim, text_msg("tarde"))).start()
    assert [s.text for s in sim.wait_for_sent(1, timeout=5)] == ["tarde"]
    with pytest.raises(TimeoutError):
        sim.wait_for_sent(2, timeout=0.1)


# --- media ----------------------------------------------------------------------------------


def test_media_metadata_and_download(sim: KapsoSim, receiver: Receiver) -> None:
    jpeg = b"\xff\xd8\xff\xe0" + b"foto" * 100
    url = sim.add_media("media_123", jpeg, "image/jpeg", "producto_defecto.jpg")
    assert url == f"{sim.url}/media/media_123"
    auth = {"X-API-Key": KEY}

    meta = httpx.get(
        f"{sim.api_url}/media_123", params={"phone_number_id": sim.phone_number_id}, headers=auth
    )
    assert meta.status_code == 200
    info = meta.json()
    assert info["mime_type"] == "image/jpeg"
    assert info["file_size"] == len(jpeg)
    assert info["sha256"] == hashlib.sha256(jpeg).hexdigest()
    assert info["url"] == info["download_url"] == url
    assert httpx.get(f"{sim.api_url}/media_123").status_code == 401
    assert httpx.get(f"{sim.api_url}/nope", headers=auth).status_code == 404

    download = httpx.get(info["download_url"], headers=auth)
    assert download.status_code == 200
    assert download.content == jpeg
    assert download.headers["content-type"] == "image/jpeg"
    assert httpx.get(url).status_code == 401
    assert httpx.get(f"{sim.url}/media/nope", headers=auth).status_code == 404

    sim.send_image(PHONE, "media_123", caption="Frasco roto")
    got, body = last(receiver)
    assert got.headers["x-webhook-signature"] == hmac_hex(got.body)
    message = body["message"]
    assert message["type"] == "image"
    assert message["image"]["id"] == "media_123"
    assert message["image"]["caption"] == "Frasco roto"
    assert message["kapso"]["has_media"] is True
    assert message["kapso"]["media_url"] == url
    assert message["kapso"]["media_data"] == {
        "url": url,
        "filename": "producto_defecto.jpg",
        "content_type": "image/jpeg",
        "byte_size": len(jpeg),
    }
    assert httpx.get(message["kapso"]["media_url"], headers=auth).content == jpeg

    sim.send_image(PHONE, "media_123", fmt="spec")
    got, body = last(receiver)
    assert got.headers["x-kapso-signature"] == hmac_hex(got.body)
    assert body["event"] == "media.received"
    assert body["data"]["type"] == "image"
    assert body["data"]["from"] == PHONE
    assert body["data"]["media"] == {
        "id": "media_123",
        "mime_type": "image/jpeg",
        "url": url,
        "size": len(jpeg),
        "filename": "producto_defecto.jpg",
    }
    with pytest.raises(KeyError):
        sim.send_image(PHONE, "never_added")


def test_document(sim: KapsoSim, receiver: Receiver) -> None:
    pdf = b"%PDF-1.4\n%sim\n"
    sim.add_media("doc_1", pdf, "application/pdf")
    sim.send_document(PHONE, "doc_1", caption="Remito")
    _, body = last(receiver)
    assert body["message"]["document"]["filename"] == "doc_1.pdf"
    assert body["message"]["document"]["caption"] == "Remito"
    assert body["message"]["kapso"]["media_data"]["content_type"] == "application/pdf"
    sim.send_document(PHONE, "doc_1", fmt="spec")
    _, body = last(receiver)
    assert body["data"]["type"] == "document"
    assert body["data"]["media"]["size"] == len(pdf)


def test_post_raw_and_no_target() -> None:
    with pytest.raises(ValueError, match="no target"):
        KapsoSim().send_text(PHONE, "x")
    assert validate(text_msg()) is None
    assert validate({**text_msg(), "to": "not-a-phone"}) == "to must be a phone number"


def test_post_raw_goes_to_url(sim: KapsoSim, receiver: Receiver) -> None:
    response = sim.post_raw(b'{"x": 1}', {"X-Custom": "1"}, url=f"{receiver.url}/otra")
    assert response.status_code == 200
    got = receiver.snapshot()[-1]
    assert (got.path, got.body, got.headers["x-custom"]) == ("/otra", b'{"x": 1}', "1")
