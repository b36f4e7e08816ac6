"""The authorization-code flow of Reten's spec: a signed state, and the refresh token kept encrypted."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time

from authlib.integrations.httpx_client import OAuth2Client
from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy.orm import Session

from vetanco.config import Settings
from vetanco.db import Database
from vetanco.errors import ValidationFailed, VetancoError
from vetanco.reten.sync import estado

STATE_TTL = 600


class SinClaveSecreta(VetancoError):
    status_code = 500
    code = "configuracion"
    message = "Definí VETANCO_SECRET_KEY para guardar el refresh token de Reten cifrado."


def _secret(settings: Settings) -> bytes:
    if settings.secret_key is None:
        raise SinClaveSecreta()
    return settings.secret_key.get_secret_value().encode()


def _fernet(settings: Settings) -> Fernet:
    return Fernet(
        base64.urlsafe_b64encode(hashlib.sha256(b"reten-refresh:" + _secret(settings)).digest())
    )


def _oauth(settings: Settings) -> OAuth2Client:
    secret = settings.reten_client_secret
    return OAuth2Client(
        client_id=settings.reten_client_id,
        client_secret=secret.get_secret_value() if secret else None,
        scope=settings.reten_scopes,
        redirect_uri=settings.reten_redirect_uri,
        token_endpoint=settings.reten_token_endpoint,
        timeout=settings.reten_timeout,
    )


def _state(settings: Settings, issued: int) -> str:
    mac = hmac.new(_secret(settings), f"reten-state:{issued}".encode(), hashlib.sha256).hexdigest()[
        :32
    ]
    return f"{issued}.{mac}"


def authorize_url(settings: Settings) -> str:
    """The URL an operator opens to grant access; the state is signed, so no storage is needed."""
    base = (settings.reten_base_url or "").rstrip("/")
    with _oauth(settings) as client:
        url, _ = client.create_authorization_url(
            f"{base}/auth/authorize", state=_state(settings, int(time.time()))
        )
    return str(url)


def _check_state(settings: Settings, state: str) -> None:
    try:
        issued = int(state.split(".", 1)[0])
    except ValueError:
        issued = 0
    fresh = 0 <= time.time() - issued <= STATE_TTL
    if not fresh or not hmac.compare_digest(_state(settings, issued), state):
        raise ValidationFailed.field(
            ["query", "state"], "state inválido o vencido: volvé a iniciar el login"
        )


def guardar_refresh_token(session: Session, *, settings: Settings, refresh_token: str) -> None:
    estado(session).refresh_token_enc = _fernet(settings).encrypt(refresh_token.encode()).decode()


def leer_refresh_token(session: Session, *, settings: Settings) -> str | None:
    st = estado(session)
    if not st.refresh_token_enc:
        return None
    try:
        return _fernet(settings).decrypt(st.refresh_token_enc.encode()).decode()
    except InvalidToken:
        return None


def canjear_codigo(session: Session, *, settings: Settings, code: str, state: str) -> None:
    """Exchanges the code (server side, after the redirect) and stores only the encrypted refresh token."""
    _check_state(settings, state)
    with _oauth(settings) as client:
        token = client.fetch_token(
            settings.reten_token_endpoint, grant_type="authorization_code", code=code
        )
    refresh = token.get("refresh_token")
    if not refresh:
        raise ValidationFailed.field(["query", "code"], "Reten no devolvió un refresh token")
    guardar_refresh_token(session, settings=settings, refresh_token=str(refresh))


class TokenStore:
    """What RetenClient needs for the authorization-code grant: read and rotate the refresh token."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings

    def load(self) -> str | None:
        with self.db.transaction() as session:
            return leer_refresh_token(session, settings=self.settings)

    def save(self, refresh_token: str) -> None:
        with self.db.transaction() as session:
            guardar_refresh_token(session, settings=self.settings, refresh_token=refresh_token)
