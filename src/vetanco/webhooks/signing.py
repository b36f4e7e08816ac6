"""Headers of an outgoing webhook: Standard Webhooks (via `standardwebhooks`) plus X-Vetanco-Signature."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import datetime

from standardwebhooks.webhooks import Webhook

SECRET_PREFIX = "whsec_"  # noqa: S105


def new_secret() -> str:
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def headers(
    *, msg_id: str, event: str, timestamp: datetime, body: bytes, secrets_: Iterable[str]
) -> dict[str, str]:
    """Signs with every active secret, so receivers keep verifying during a rotation."""
    active = list(secrets_)
    text = body.decode()
    standard = " ".join(Webhook(s).sign(msg_id, timestamp, text) for s in active)
    simple = hmac.new(active[0].encode(), body, hashlib.sha256).hexdigest()
    return {
        "Content-Type": "application/json",
        "User-Agent": "Vetanco-Webhooks/1.0",
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(timestamp.timestamp())),
        "webhook-signature": standard,
        "X-Vetanco-Signature": f"sha256={simple}",
        "X-Vetanco-Event": event,
    }
