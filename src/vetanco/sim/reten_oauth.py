"""The Reten simulator's OAuth 2.0 server: token grants, the authorize redirect, JWT checks."""

from __future__ import annotations

import base64
import hmac
import math
import secrets
import threading
import time
import uuid
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from vetanco.sim.reten_base import (
    CODE_TTL,
    ISSUER,
    JSON,
    InvalidTokenError,
    _Grant,
    _oauth_error,
    decode_jwt,
    encode_jwt,
)


class OAuthServer:
    """RFC 6749 grants (client credentials, authorization code, refresh) with HS256 JWTs."""

    client_id: str
    client_secret: str
    token_ttl: int
    allowed_scopes: tuple[str, ...]
    _lock: threading.RLock
    _signing_key: bytes
    _live: set[str]
    _codes: dict[str, _Grant]
    _refresh: dict[str, _Grant]

    def expire_tokens(self) -> None:
        """Every access token issued so far answers 401 (refresh tokens keep working)."""
        with self._lock:
            self._live.clear()

    def _granted(self, requested: str | None, allowed: tuple[str, ...]) -> str | None:
        """The scope to grant (all of `allowed` when none is requested), None if beyond it."""
        wanted = (requested or "").split() or list(allowed)
        return " ".join(dict.fromkeys(wanted)) if set(wanted) <= set(allowed) else None

    def _issue(self, scope: str, *, refresh: bool) -> JSONResponse:
        now = time.time()
        jti = uuid.uuid4().hex
        claims = {
            "iss": ISSUER,
            "sub": self.client_id,
            "client_id": self.client_id,
            "scope": scope,
            "iat": int(now),
            "exp": math.ceil(now + self.token_ttl),  # never shorter than token_ttl
            "jti": jti,
        }
        body: JSON = {
            "access_token": encode_jwt(claims, self._signing_key),
            "token_type": "Bearer",
            "expires_in": self.token_ttl,
            "scope": scope,
        }
        with self._lock:
            self._live.add(jti)
            if refresh:
                body["refresh_token"] = f"rt_{secrets.token_urlsafe(32)}"
                self._refresh[body["refresh_token"]] = _Grant(self.client_id, scope)
        return JSONResponse(body, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})

    def _client_ok(self, request: Request, form: dict[str, str]) -> bool | None:
        """True/False for good/bad credentials, None when none were sent."""
        auth = request.headers.get("authorization", "")
        if auth[:6].lower() == "basic ":
            try:
                client_id, _, secret = base64.b64decode(auth[6:].strip()).decode().partition(":")
            except ValueError:
                return False
            client_id, secret = unquote(client_id), unquote(secret)
        elif "client_id" in form:
            client_id, secret = form["client_id"], form.get("client_secret", "")
        else:
            return None
        same_id = hmac.compare_digest(client_id.encode(), self.client_id.encode())
        return hmac.compare_digest(secret.encode(), self.client_secret.encode()) and same_id

    async def _token(self, request: Request) -> Response:
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if ctype != "application/x-www-form-urlencoded":
            return _oauth_error(400, "invalid_request", "use application/x-www-form-urlencoded")
        form = dict(
            parse_qsl((await request.body()).decode(errors="replace"), keep_blank_values=True)
        )
        client = self._client_ok(request, form)
        if not client:
            basic = {"WWW-Authenticate": 'Basic realm="reten"'} if client is False else {}
            return _oauth_error(401, "invalid_client", "client authentication failed", **basic)
        grant_type = form.get("grant_type")
        if grant_type == "client_credentials":
            scope = self._granted(form.get("scope"), self.allowed_scopes)
            if scope is None:
                return _oauth_error(
                    400, "invalid_scope", f"allowed: {' '.join(self.allowed_scopes)}"
                )
            return self._issue(scope, refresh=False)
        if grant_type == "authorization_code":
            with self._lock:
                grant = self._codes.pop(form.get("code", ""), None)  # single use, even on failure
            if grant is None or grant.expires < time.time():
                return _oauth_error(400, "invalid_grant", "unknown, used or expired code")
            if grant.redirect_uri != form.get("redirect_uri"):
                return _oauth_error(400, "invalid_grant", "redirect_uri does not match")
            return self._issue(grant.scope, refresh=True)
        if grant_type == "refresh_token":
            with self._lock:
                grant = self._refresh.pop(form.get("refresh_token", ""), None)  # rotated
            if grant is None:
                return _oauth_error(400, "invalid_grant", "unknown or already used refresh token")
            scope = self._granted(form.get("scope"), tuple(grant.scope.split()))
            if scope is None:
                return _oauth_error(400, "invalid_scope", "cannot widen the original scope")
            return self._issue(scope, refresh=True)
        if grant_type is None:
            return _oauth_error(400, "invalid_request", "grant_type is required")
        return _oauth_error(400, "unsupported_grant_type", f"{grant_type} is not supported")

    async def _authorize(self, request: Request) -> Response:
        """Approves at once (the simulated user always consents) and redirects back."""
        params = request.query_params
        if params.get("client_id") != self.client_id:
            return _oauth_error(400, "invalid_client", "unknown client_id")
        redirect_uri = params.get("redirect_uri", "")
        parts = urlsplit(redirect_uri)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.fragment:
            return _oauth_error(400, "invalid_request", "redirect_uri must be an absolute URL")
        answer: dict[str, str] = {}
        scope = self._granted(params.get("scope"), self.allowed_scopes)
        if params.get("response_type") != "code":
            answer["error"] = "unsupported_response_type"
        elif scope is None:
            answer["error"] = "invalid_scope"
        else:
            answer["code"] = secrets.token_urlsafe(24)
            with self._lock:
                grant = _Grant(self.client_id, scope, redirect_uri, time.time() + CODE_TTL)
                self._codes[answer["code"]] = grant
        if "state" in params:
            answer["state"] = params["state"]
        glue = "&" if parts.query else "?"
        return RedirectResponse(f"{redirect_uri}{glue}{urlencode(answer)}", status_code=302)

    def _claims(self, request: Request) -> JSON | str:
        """The token's claims, or why it is refused."""
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return "missing bearer token"
        try:
            claims = decode_jwt(token.strip(), self._signing_key)
        except InvalidTokenError as exc:
            return str(exc)
        with self._lock:
            return claims if claims.get("jti") in self._live else "token revoked or expired"
