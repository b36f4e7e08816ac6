"""Verification of the webhooks Vetanco sends, on the raw body exactly as it arrived.

Every delivery is signed the Standard Webhooks way (webhook-id, webhook-timestamp and
webhook-signature "v1,<base64 HMAC-SHA256>" with the endpoint's `whsec_…` secret), checked here
with the `standardwebhooks` package; it also carries `X-Vetanco-Signature: sha256=<hex>`, a
plain HMAC of the body keyed with the secret string (no timestamp: no replay guard). During a
secret rotation the server signs with both secrets, so the old and the new one verify; the plain
header is signed with the newest only.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Any

from standardwebhooks.webhooks import EmptyWebhookSecretError, Webhook, WebhookVerificationError

from vetanco.sdk.errors import FirmaInvalida

_STANDARD = ("webhook-id", "webhook-timestamp", "webhook-signature")


def _lower(headers: Mapping[str, str]) -> dict[str, str]:
    return {str(k).lower(): str(v) for k, v in headers.items()}


def _text(body: bytes | str) -> str:
    try:
        return body if isinstance(body, str) else body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FirmaInvalida("El cuerpo del webhook no es UTF-8.") from exc


def _objeto(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise FirmaInvalida("La firma es válida pero el cuerpo no es JSON.") from exc
    if not isinstance(data, dict):
        raise FirmaInvalida("La firma es válida pero el cuerpo no es un objeto JSON.")
    return data


def verificar_webhook(body: bytes | str, headers: Mapping[str, str], secret: str) -> dict[str, Any]:
    """The event if signed with `secret` less than 5 minutes ago; FirmaInvalida otherwise."""
    lowered = _lower(headers)
    missing = [name for name in _STANDARD if not lowered.get(name)]
    if missing:
        raise FirmaInvalida(f"Faltan las cabeceras del webhook: {', '.join(missing)}.")
    text = _text(body)
    try:
        webhook = Webhook(secret)
    except (ValueError, EmptyWebhookSecretError) as exc:
        raise FirmaInvalida("El secreto del webhook está vacío o no es base64 (whsec_…).") from exc
    try:
        webhook.verify(text, {name: lowered[name] for name in _STANDARD}, json_parse=False)
    except (WebhookVerificationError, ValueError) as exc:
        raise FirmaInvalida(f"Firma de webhook inválida: {exc}") from exc
    return _objeto(text)


def verificar_firma_simple(
    body: bytes | str, headers: Mapping[str, str], secret: str
) -> dict[str, Any]:
    """For receivers without Standard Webhooks; it has no timestamp, so it cannot stop replays."""
    header = _lower(headers).get("x-vetanco-signature", "").strip()
    if not header.startswith("sha256="):
        raise FirmaInvalida("Falta la cabecera X-Vetanco-Signature (sha256=…).")
    raw = body.encode("utf-8") if isinstance(body, str) else body
    expected = hmac.new(secret.encode(), raw, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, header.removeprefix("sha256=").lower()):
        raise FirmaInvalida("X-Vetanco-Signature no coincide con el secreto.")
    return _objeto(_text(raw))
