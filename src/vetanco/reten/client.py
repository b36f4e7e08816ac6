"""Reten's REST API through Authlib's OAuth 2.0 httpx client: token refresh, backoff, KPIs."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import httpx
import structlog
from authlib.integrations.httpx_client import OAuth2Client

from vetanco import metricas
from vetanco.config import Settings
from vetanco.reten.metrics import Metrics

if TYPE_CHECKING:
    from vetanco.reten.oauth import TokenStore

log = structlog.get_logger(__name__)
MAX_WAIT = 120.0
SLOW_DOWN_BELOW = 0.1


class RetenError(Exception):
    """A call that failed for good: `kind` says why (client, server, rate_limit, timeout, connection, auth)."""

    def __init__(self, message: str, *, kind: str, status: int | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.status = status


class RetenClient:
    def __init__(
        self,
        settings: Settings,
        *,
        metrics: Metrics | None = None,
        sleep: Callable[[float], None] = time.sleep,
        tokens: TokenStore | None = None,
    ) -> None:
        if not settings.reten_base_url:
            raise RetenError("conector Reten apagado: falta VETANCO_RETEN_BASE_URL", kind="config")
        self.settings = settings
        self.base = settings.reten_base_url.rstrip("/")
        self.metrics = metrics or Metrics()
        self.sleep = sleep
        self.tokens = tokens
        self._oauth: OAuth2Client | None = None

    def close(self) -> None:
        if self._oauth is not None:
            self._oauth.close()

    def _client(self) -> OAuth2Client:
        """Client-credentials by default; Authlib refreshes 60 s before the token's expiry."""
        if self._oauth is None:
            secret = self.settings.reten_client_secret
            self._oauth = OAuth2Client(
                client_id=self.settings.reten_client_id,
                client_secret=secret.get_secret_value() if secret else None,
                scope=self.settings.reten_scopes,
                token_endpoint=self.settings.reten_token_endpoint,
                grant_type=self.settings.reten_grant,
                leeway=60,
                timeout=self.settings.reten_timeout,
                update_token=self._token_updated,
            )
            try:
                self._fetch_token()
            except RetenError:
                self._oauth.close()
                self._oauth = (
                    None  # the next call starts over instead of reusing a tokenless client
                )
                raise
        return self._oauth

    def _fetch_token(self) -> None:
        assert self._oauth is not None
        try:
            if self.settings.reten_grant == "authorization_code":
                self._refresh_with_stored_token()
            else:
                self._oauth.fetch_token(
                    self.settings.reten_token_endpoint, grant_type="client_credentials"
                )
        except RetenError:
            self.metrics.record(ok=False, status=None, latency_ms=0.0, kind="auth")
            raise
        except Exception as exc:
            self.metrics.record(ok=False, status=None, latency_ms=0.0, kind="auth")
            raise RetenError(
                f"no se pudo obtener el token de Reten: {type(exc).__name__}", kind="auth"
            ) from exc

    def _token_updated(self, token: dict[str, Any], **_: Any) -> None:
        """Authlib refreshed on its own: keep the rotated refresh token."""
        if self.tokens and token.get("refresh_token"):
            self.tokens.save(str(token["refresh_token"]))

    def _refresh_with_stored_token(self) -> None:
        """Authorization-code grant: the stored refresh token buys an access token (and is rotated)."""
        assert self._oauth is not None
        stored = self.tokens.load() if self.tokens else None
        if not stored:
            raise RetenError("falta autorizar: corré `vetanco reten login`", kind="auth")
        token = self._oauth.refresh_token(self.settings.reten_token_endpoint, refresh_token=stored)
        rotated = token.get("refresh_token")
        if rotated and self.tokens and rotated != stored:
            self.tokens.save(str(rotated))

    def _backoff(self, attempt: int) -> float:
        base = self.settings.reten_backoff_base * (2**attempt)
        return float(min(base, 30.0) * random.uniform(0.5, 1.5))

    def request(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Retries 429/5xx/timeouts/connection errors with backoff; a 401 refreshes the token once."""
        refreshed = False
        last: RetenError | None = None
        for attempt in range(self.settings.reten_max_retries + 1):
            client = self._client()
            started = time.perf_counter()
            try:
                response: httpx.Response = client.request(method, f"{self.base}{path}", **kwargs)
            except httpx.TimeoutException:
                last = RetenError("timeout", kind="timeout")
            except httpx.TransportError as exc:
                last = RetenError(f"error de conexión: {type(exc).__name__}", kind="connection")
            else:
                latency = (time.perf_counter() - started) * 1000
                outcome = self._classify(response, latency)
                if outcome is None:
                    return response
                if outcome.kind == "auth" and not refreshed:
                    refreshed = True
                    last = outcome
                    self._fetch_token()
                    continue
                if outcome.kind in ("client", "auth"):
                    raise outcome
                last = outcome
                if outcome.kind == "rate_limit":
                    self.sleep(self._retry_after(response) or self._backoff(attempt))
                    continue
            if last.kind in ("timeout", "connection"):
                self.metrics.record(
                    ok=False,
                    status=None,
                    latency_ms=(time.perf_counter() - started) * 1000,
                    kind=last.kind,
                )
            self.sleep(self._backoff(attempt))
        assert last is not None
        raise last

    def _classify(self, response: httpx.Response, latency: float) -> RetenError | None:
        status = response.status_code
        self._track_rate_limit(response)
        if 200 <= status < 300 or status == 404:
            self.metrics.record(
                ok=True,
                status=status,
                latency_ms=latency,
                kind="ok" if status < 300 else "not_found",
            )
            self._slow_down(response)
            return None
        kind = (
            "rate_limit"
            if status == 429
            else "auth"
            if status == 401
            else "server"
            if status >= 500
            else "client"
        )
        self.metrics.record(ok=False, status=status, latency_ms=latency, kind=kind)
        if kind == "client":
            log.warning("reten_client_error", status=status, body=response.text[:200])
        return RetenError(f"Reten respondió {status}", kind=kind, status=status)

    def _track_rate_limit(self, response: httpx.Response) -> None:
        try:
            self.metrics.rate_limit_limit = int(response.headers["x-ratelimit-limit"])
            self.metrics.rate_limit_remaining = int(response.headers["x-ratelimit-remaining"])
            metricas.RETEN_CUOTA.set(self.metrics.rate_limit_remaining)
        except (KeyError, ValueError):
            pass

    def _slow_down(self, response: httpx.Response) -> None:
        """Spread the last requests of the window instead of running into a 429."""
        limit, remaining = self.metrics.rate_limit_limit, self.metrics.rate_limit_remaining
        if not limit or remaining is None or remaining > limit * SLOW_DOWN_BELOW:
            return
        try:
            reset_in = max(0.0, float(response.headers["x-ratelimit-reset"]) - time.time())
        except (KeyError, ValueError):
            return
        self.sleep(min(reset_in / max(remaining, 1), MAX_WAIT))

    @staticmethod
    def _retry_after(response: httpx.Response) -> float | None:
        try:
            return min(max(float(response.headers["retry-after"]), 0.0), MAX_WAIT)
        except (KeyError, ValueError):
            return None

    def iter_pages(
        self, *, start_page: int = 1, limit: int = 100, **filters: str
    ) -> Iterator[tuple[int, list[dict[str, Any]], int]]:
        """Pages one at a time (memory stays flat): (page, tasks, total_pages)."""
        page = start_page
        while True:
            response = self.request(
                "GET", "/tasks", params={**filters, "page": page, "limit": limit}
            )
            body = response.json()
            pagination = body.get("pagination") or {}
            pages = int(pagination.get("pages") or 0)
            yield page, list(body.get("data") or []), pages
            if page >= pages or not body.get("data"):
                return
            page += 1

    def get_task(self, task_id: str) -> dict[str, Any] | None:
        response = self.request("GET", f"/tasks/{task_id}")
        if response.status_code == 404:
            return None
        data: dict[str, Any] = response.json()
        return data

    def patch_task(self, task_id: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.request("PATCH", f"/tasks/{task_id}", json=body)
        if response.status_code == 404:
            raise RetenError(
                f"la tarea {task_id} ya no existe en Reten", kind="not_found", status=404
            )
        data: dict[str, Any] = response.json()
        return data

    def register_webhook(self, *, url: str, events: list[str], secret: str) -> str:
        body = {"url": url, "events": events, "secret": secret}
        return str(self.request("POST", "/webhooks", json=body).json()["id"])
