"""verificar_webhook on what our server really sends: its signing code and real deliveries."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.factories import caso_payload
from vetanco.config import Settings
from vetanco.db import Database
from vetanco.sdk import FirmaInvalida, VetancoClient, verificar_firma_simple, verificar_webhook
from vetanco.sdk.models import EventoWebhook
from vetanco.sim.receiver import Receiver
from vetanco.webhooks import signing
from vetanco.webhooks.tasks import Dispatcher

EVENTO = {
    "event": "caso.creado",
    "timestamp": "2025-10-18T10:00:00Z",
    "data": {"numero_caso": "VET-2025-00123", "tipo_caso": "reclamo", "criticidad": "critico"},
}


def _firmado(
    *secrets: str, when: datetime | None = None, body: bytes | None = None
) -> tuple[bytes, dict[str, str]]:
    raw = body if body is not None else json.dumps(EVENTO, ensure_ascii=False).encode()
    headers = signing.headers(
        msg_id="msg_2Lx9Q8u7",
        event="caso.creado",
        timestamp=when or datetime.now(UTC),
        body=raw,
        secrets_=list(secrets),
    )
    return raw, headers


def test_verifies_what_the_server_signs() -> None:
    secret = signing.new_secret()
    body, headers = _firmado(secret)
    assert verificar_webhook(body, headers, secret) == EVENTO
    assert verificar_webhook(body.decode(), httpx.Headers(headers), secret) == EVENTO
    upper = {k.upper(): v for k, v in headers.items()}
    assert verificar_webhook(body, upper, secret)["data"]["numero_caso"] == "VET-2025-00123"
    assert EventoWebhook.model_validate(verificar_webhook(body, headers, secret)).event == (
        "caso.creado"
    )


def test_non_ascii_body_verifies_on_the_raw_bytes() -> None:
    secret = signing.new_secret()
    evento = {**EVENTO, "data": {"descripcion": "Intoxicación en bovinos, ñandú"}}
    body, headers = _firmado(secret, body=json.dumps(evento, ensure_ascii=False).encode())
    assert verificar_webhook(body, headers, secret) == evento


def test_both_secrets_verify_during_a_rotation() -> None:
    nuevo, anterior, otro = signing.new_secret(), signing.new_secret(), signing.new_secret()
    body, headers = _firmado(nuevo, anterior)
    assert verificar_webhook(body, headers, nuevo) == EVENTO
    assert verificar_webhook(body, headers, anterior) == EVENTO
    with pytest.raises(FirmaInvalida, match="No matching signature"):
        verificar_webhook(body, headers, otro)


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda b, h: (b.replace(b"critico", b"menor "), h), id="body"),
        pytest.param(lambda b, h: (b, {**h, "webhook-id": "msg_otro"}), id="id"),
        pytest.param(
            lambda b, h: (b, {**h, "webhook-timestamp": str(int(h["webhook-timestamp"]) + 1)}),
            id="timestamp",
        ),
        pytest.param(lambda b, h: (b, {**h, "webhook-signature": "v1,AAAA"}), id="signature"),
        pytest.param(lambda b, h: (b, {**h, "webhook-signature": "basura"}), id="malformed"),
        pytest.param(lambda b, h: (b, {**h, "webhook-timestamp": "ayer"}), id="not-a-number"),
    ],
)
def test_tampering_is_rejected(tamper: Callable[[bytes, dict[str, str]], Any]) -> None:
    secret = signing.new_secret()
    body, headers = tamper(*_firmado(secret))
    with pytest.raises(FirmaInvalida):
        verificar_webhook(body, headers, secret)


@pytest.mark.parametrize("header", ["webhook-id", "webhook-timestamp", "webhook-signature"])
def test_missing_headers_are_named(header: str) -> None:
    secret = signing.new_secret()
    body, headers = _firmado(secret)
    del headers[header]
    with pytest.raises(FirmaInvalida, match=header):
        verificar_webhook(body, headers, secret)


@pytest.mark.parametrize("offset", [timedelta(minutes=-6), timedelta(minutes=6)])
def test_stale_or_future_timestamps_are_rejected(offset: timedelta) -> None:
    secret = signing.new_secret()
    body, headers = _firmado(secret, when=datetime.now(UTC) + offset)
    with pytest.raises(FirmaInvalida, match="timestamp too"):
        verificar_webhook(body, headers, secret)
    body, headers = _firmado(secret, when=datetime.now(UTC) - timedelta(minutes=4))
    assert verificar_webhook(body, headers, secret) == EVENTO


def test_bad_secret_and_bad_body() -> None:
    secret = signing.new_secret()
    body, headers = _firmado(secret)
    with pytest.raises(FirmaInvalida, match="secreto"):
        verificar_webhook(body, headers, "whsec_")
    with pytest.raises(FirmaInvalida, match="UTF-8"):
        verificar_webhook(b"\xff\xfe", headers, secret)
    raw, signed = _firmado(secret, body=b"[1, 2]")
    with pytest.raises(FirmaInvalida, match="objeto JSON"):
        verificar_webhook(raw, signed, secret)


def test_simple_signature_header() -> None:
    secret = signing.new_secret()
    body, headers = _firmado(secret)
    assert verificar_firma_simple(body, headers, secret) == EVENTO
    with pytest.raises(FirmaInvalida, match="no coincide"):
        verificar_firma_simple(body + b" ", headers, secret)
    with pytest.raises(FirmaInvalida, match="Falta"):
        verificar_firma_simple(body, {"webhook-id": "x"}, secret)


@pytest.fixture
def receptor() -> Iterator[Receiver]:
    r = Receiver().start()
    yield r
    r.stop()


@pytest.fixture
def despachador(db: Database, settings: Settings) -> Iterator[Dispatcher]:
    d = Dispatcher(db, settings)
    yield d
    d.close()


def _entregar(despachador: Dispatcher, receptor: Receiver, count: int) -> list[Any]:
    deadline = time.monotonic() + 30
    while len(set(receptor.ok_ids())) < count:
        assert time.monotonic() < deadline, "the delivery never arrived"
        if despachador.run_once() == 0:
            time.sleep(0.02)
    return receptor.snapshot()


def test_real_deliveries_verify_with_the_secret_the_sdk_got(
    sdk: VetancoClient, receptor: Receiver, despachador: Dispatcher
) -> None:
    suscripcion = sdk.webhooks.create(url=f"{receptor.url}/vetanco", events=["caso.creado"])
    numero = sdk.casos.create(**caso_payload()).caso.numero_caso
    (entrega,) = _entregar(despachador, receptor, 1)
    evento = verificar_webhook(entrega.body, entrega.headers, suscripcion.secret)
    assert evento["event"] == "caso.creado"
    assert evento["data"]["numero_caso"] == numero
    assert verificar_firma_simple(entrega.body, entrega.headers, suscripcion.secret) == evento

    rotado = sdk.webhooks.rotar_secreto(suscripcion.id)
    sdk.webhooks.probar(suscripcion.id)
    ping = _entregar(despachador, receptor, 2)[-1]
    assert verificar_webhook(ping.body, ping.headers, rotado.secret)["event"] == "ping"
    assert verificar_webhook(ping.body, ping.headers, suscripcion.secret)["event"] == "ping"
    entregas = sdk.webhooks.entregas(suscripcion.id, estado="entregada")
    assert {e.id for e in entregas.data} == set(receptor.ok_ids())
