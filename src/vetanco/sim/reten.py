"""Reten (field-task platform) simulator on loopback: OAuth 2.0 + JWT, tasks API, signed webhooks.

Follows the spec «Consumo desde API REST de Reten» (reten-api-consumo.md) and fills its gaps the
way a typical OAuth 2.0 / REST service does:

- ``POST /v1/auth/token`` (RFC 6749, form-encoded; client credentials in HTTP Basic or in the form):
  ``client_credentials``, ``authorization_code`` and ``refresh_token`` grants. Access tokens are HS256
  JWTs (``iss, sub, client_id, scope, iat, exp, jti``); refresh tokens are opaque, single-use and
  rotated; authorization codes are single-use and live 10 minutes. ``GET /v1/auth/authorize``
  approves at once (no consent screen) and redirects with ``code`` and ``state``.
- Every other ``/v1`` endpoint needs ``Authorization: Bearer``; failures follow RFC 6750
  (401 ``invalid_token``, 403 ``insufficient_scope``, both with ``WWW-Authenticate``).
- Order of the gates: latency → token (401) → rate limit (429) → injected failures (``fail_next``,
  ``fail_rate``) → scope (403) → handler. Rate limiting is a fixed window per client that opens with
  the client's first request (GitHub-style ``X-RateLimit-Reset``: when the whole quota comes back).
- Webhooks carry the PARTIAL task of the spec's example (``id, title, status, assigned_to``) and
  ``X-Reten-Signature: sha256=<hex HMAC-SHA256 of the raw body>``. Bodies are compact JSON with raw
  UTF-8 (accents included): a receiver that re-serialises before checking the signature fails.
  One attempt per webhook, no retries: the spec's answer to lost webhooks is polling.
- PATCH notes are stored in ``RetenSim.notes`` (the task's shape stays exactly the spec's).

``/sim/*`` (no auth, not in the spec) lets a person drive ``serve`` mode by hand.
"""

from __future__ import annotations

import asyncio
import math
import queue
import random
import secrets
import threading
import time
from collections import deque
from datetime import UTC, datetime, timedelta
from typing import Any, Self

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import Message, Receive, Scope, Send

from vetanco.sim.reten_base import (
    CLIENTES,
    EDITABLE,
    EVENTS,
    JSON,
    LOCALIDADES,
    PRIORITIES,
    PRODUCTOS,
    RECLAMO,
    SCOPES,
    STATUSES,
    TASK_FIELDS,
    VISITAS,
    Handler,
    InvalidTokenError,
    _Asgi,
    _BadRequest,
    _check_task,
    _error,
    _failure,
    _Grant,
    _invalid_token,
    _iso,
    _Job,
    _json_body,
    decode_jwt,
    encode_jwt,
    parse_iso,
    parse_rate,
    sign,
)
from vetanco.sim.reten_oauth import OAuthServer
from vetanco.sim.reten_tareas import TaskEndpoints
from vetanco.sim.reten_webhooks import WebhookSender
from vetanco.sim.server import LoopbackSim, ThreadedServer

__all__ = [
    "EVENTS",
    "PRIORITIES",
    "SCOPES",
    "STATUSES",
    "TASK_FIELDS",
    "InvalidTokenError",
    "RetenSim",
    "decode_jwt",
    "encode_jwt",
    "parse_iso",
    "parse_rate",
    "serve",
    "sign",
]


class RetenSim(OAuthServer, TaskEndpoints, WebhookSender, LoopbackSim):
    _name = "reten sim"

    def __init__(
        self,
        *,
        client_id: str = "sim-client",
        client_secret: str = "sim-secret",  # noqa: S107
        tasks: int = 0,
        seed: int = 0,
        fail_rate: float = 0.0,
        rate_limit: str | None = None,
        drop_webhooks: float = 0.0,
        latency: float = 0.0,
        token_ttl: int = 3600,
        port: int = 0,
    ) -> None:
        self.client_id, self.client_secret, self.token_ttl = client_id, client_secret, token_ttl
        self.fail_rate, self.drop_webhooks, self.latency = fail_rate, drop_webhooks, latency
        self.allowed_scopes: tuple[str, ...] = SCOPES  # what this client may be granted
        self.webhook_timeout = 10.0
        self.tasks: dict[str, JSON] = {}
        self._order: list[str] | None = None  # sorted ids, rebuilt after an insert or delete
        self.notes: dict[str, list[str]] = {}  # task_id → notes received by PATCH, in order
        self.webhooks: list[JSON] = []
        self.deliveries: list[JSON] = []
        self.patches: list[tuple[str, JSON]] = []
        self.requests: list[tuple[str, str, int]] = []
        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._signing_key = secrets.token_bytes(32)
        self._rng = random.Random(seed)
        self._fail_rng = random.Random(f"fail:{seed}")
        self._drop_rng = random.Random(f"drop:{seed}")
        self._seq = 0
        self._last = datetime.now(UTC)
        self._live: set[str] = set()  # jti of access tokens still honoured
        self._codes: dict[str, _Grant] = {}
        self._refresh: dict[str, _Grant] = {}
        self._failures: deque[int] = deque()
        self._windows: dict[str, list[float]] = {}  # subject → [window start, count]
        self._limit: tuple[int, float] | None = None
        self.rate_limit = rate_limit
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        self._worker: threading.Thread | None = None
        self._users = [f"user_{n:03d}" for n in self._rng.sample(range(100, 1000), 12)]
        for _ in range(tasks):
            self._insert(self._generate(datetime.now(UTC).replace(microsecond=0)))
        self._port = port
        self._http: ThreadedServer | None = None
        self.router = Starlette(
            routes=[
                Route("/v1/auth/token", self._token, methods=["POST"]),
                Route("/v1/auth/authorize", self._authorize, methods=["GET"]),
                Route("/v1/tasks", self._api("tasks:read", self._list), methods=["GET"]),
                Route("/v1/tasks/{task_id}", self._api("tasks:read", self._get), methods=["GET"]),
                Route(
                    "/v1/tasks/{task_id}", self._api("tasks:write", self._patch), methods=["PATCH"]
                ),
                Route("/v1/webhooks", self._api("tasks:write", self._webhook), methods=["POST"]),
                Route("/sim/tasks", self._sim_add, methods=["POST"]),
                Route("/sim/tasks/{task_id}", self._sim_change, methods=["PATCH", "DELETE"]),
                Route("/sim/expire-tokens", self._sim_expire, methods=["POST"]),
            ],
            exception_handlers={404: self._http_error, 405: self._http_error},
        )
        self.app = _Asgi(self._front)

    # --- lifecycle --------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}/v1"

    @property
    def token_url(self) -> str:
        return f"{self.base_url}/auth/token"

    @property
    def authorize_url(self) -> str:
        return f"{self.base_url}/auth/authorize"

    def start(self) -> Self:
        super().start()
        with self._lock:
            self._ensure_worker()
        return self

    def stop(self) -> None:
        super().stop()
        with self._lock:  # a change racing with stop() starts a new worker after the sentinel
            worker, self._worker = self._worker, None
            if worker is not None:
                self._queue.put(None)
        if worker is not None:
            worker.join(timeout=self.webhook_timeout + 5)

    async def _front(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The router, plus latency and the ``requests`` log for every ``/v1`` request."""
        if scope["type"] != "http" or not str(scope["path"]).startswith("/v1"):
            await self.router(scope, receive, send)
            return
        if self.latency > 0:
            await asyncio.sleep(self.latency)
        status = 500

        async def recording(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.router(scope, receive, recording)
        finally:
            with self._lock:
                self.requests.append((str(scope["method"]), str(scope["path"]), status))

    # --- the source of truth ----------------------------------------------------------------

    @property
    def rate_limit(self) -> str | None:
        return self._rate_spec

    @rate_limit.setter
    def rate_limit(self, spec: str | None) -> None:
        limit = parse_rate(spec) if spec is not None else None
        with self._lock:
            self._rate_spec, self._limit = spec, limit
            self._windows.clear()

    def _tick(self) -> str:
        """Now, strictly after every timestamp handed out before (microsecond precision)."""
        now = datetime.now(UTC)
        self._last = now if now > self._last else self._last + timedelta(microseconds=1)
        return _iso(self._last, micro=True)

    def _next_id(self) -> str:
        while True:
            self._seq += 1
            if (task_id := f"task_{self._seq:06d}") not in self.tasks:
                return task_id

    def _generate(self, now: datetime) -> JSON:
        rng = self._rng
        cliente, localidad, producto = (
            rng.choice(CLIENTES),
            rng.choice(LOCALIDADES),
            rng.choice(PRODUCTOS),
        )
        numero = f"VET-{now.year}-{rng.randint(1, 200):05d}"
        title, description = RECLAMO if rng.random() < 0.05 else rng.choice(VISITAS)
        fmt = {"c": cliente, "l": localidad, "p": producto, "n": numero}
        due = (now + timedelta(days=rng.randint(-30, 30))).replace(
            hour=rng.randint(8, 17), minute=rng.choice((0, 30)), second=0
        )
        if due < now:
            status = rng.choices(STATUSES, weights=(20, 10, 60, 10))[0]
        else:
            status = rng.choices(STATUSES, weights=(60, 30, 5, 5))[0]
        created = now - timedelta(seconds=rng.randint(3600, 45 * 86400))
        age = int((now - created).total_seconds())
        updated = (
            created if rng.random() < 0.3 else created + timedelta(seconds=rng.randint(0, age))
        )
        return {
            "id": "",  # given by _insert once the task is valid
            "title": title.format(**fmt),
            "description": description.format(**fmt),
            "status": status,
            "priority": rng.choices(PRIORITIES, weights=(20, 45, 25, 10))[0],
            "assigned_to": rng.choice(self._users),
            "due_date": _iso(due),
            "created_at": _iso(created),
            "updated_at": _iso(updated),
        }

    def _insert(self, task: JSON) -> None:
        _check_task(task)
        task["id"] = task["id"] or self._next_id()
        self.tasks[task["id"]] = task
        self._order = None

    def add_task(self, **fields: Any) -> JSON:
        """A realistic pending task with `fields` overriding; emits ``task.created``."""
        if unknown := set(fields) - set(TASK_FIELDS):
            raise ValueError(f"unknown task fields {sorted(unknown)}")
        with self._lock:
            if "id" in fields and (not isinstance(fields["id"], str) or not fields["id"]):
                raise ValueError("id must be a non-empty string")
            if fields.get("id") in self.tasks:
                raise ValueError(f"task {fields['id']} already exists")
            stamp = self._tick()
            task = self._generate(datetime.now(UTC).replace(microsecond=0))
            task |= {"status": "pending", "created_at": stamp, "updated_at": stamp} | fields
            self._insert(task)
            self._emit("task.created", task)
            return dict(task)

    def update_task(self, task_id: str, **changes: Any) -> JSON:
        """Applies `changes` (task fields and/or ``notes``), bumps updated_at, emits the webhook:
        ``task.completed`` when the status becomes completed, ``task.updated`` otherwise."""
        if unknown := set(changes) - {*EDITABLE, "notes"}:
            raise ValueError(f"fields that cannot be changed: {sorted(unknown)}")
        notes = changes.pop("notes", None)
        if notes is not None and not isinstance(notes, str):
            raise ValueError("notes must be a string")
        with self._lock:
            task = self.tasks[task_id]
            candidate = task | changes
            _check_task(candidate)
            became_completed = candidate["status"] == "completed" and task["status"] != "completed"
            candidate["updated_at"] = self._tick()
            self.tasks[task_id] = candidate
            if notes is not None:
                self.notes.setdefault(task_id, []).append(notes)
            self._emit("task.completed" if became_completed else "task.updated", candidate)
            return dict(candidate)

    def delete_task(self, task_id: str) -> None:
        with self._lock:
            del self.tasks[task_id]
            self._order = None
            self.notes.pop(task_id, None)

    def snapshot(self) -> dict[str, JSON]:
        with self._lock:
            return {task_id: dict(task) for task_id, task in self.tasks.items()}

    def fail_next(self, status: int, times: int = 1) -> None:
        """The next `times` API requests (not /auth) that pass the token check answer `status`."""
        with self._lock:
            self._failures.extend([status] * times)

    # --- the gates every API request goes through -------------------------------------------
    def _rate(self, subject: str) -> tuple[bool, dict[str, str]]:
        with self._lock:
            if self._limit is None:
                return False, {}
            limit, period = self._limit
            now = time.time()
            window = self._windows.get(subject)
            if window is None or now >= window[0] + period:
                window = self._windows[subject] = [now, 0]
            limited = window[1] >= limit
            if not limited:
                window[1] += 1
            reset = window[0] + period
            headers = {
                "X-RateLimit-Limit": str(limit),
                "X-RateLimit-Remaining": str(limit - int(window[1])),
                "X-RateLimit-Reset": str(math.ceil(reset)),
            }
            if limited:
                headers["Retry-After"] = str(max(1, math.ceil(reset - now)))
            return limited, headers

    def _injected(self) -> int | None:
        with self._lock:
            if self._failures:
                return self._failures.popleft()
            if self.fail_rate > 0 and self._fail_rng.random() < self.fail_rate:
                return 500
            return None

    def _api(self, needed: str, handler: Handler) -> Handler:
        async def endpoint(request: Request) -> Response:
            claims = self._claims(request)
            if isinstance(claims, str):
                return _invalid_token(claims)
            limited, headers = self._rate(str(claims.get("sub")))
            if limited:
                response: Response = _error(429, "rate_limited", "too many requests")
            elif (failure := self._injected()) is not None:
                response = _failure(failure)
            elif needed not in str(claims.get("scope", "")).split():
                www = f'Bearer realm="reten", error="insufficient_scope", scope="{needed}"'
                response = _error(403, "insufficient_scope", f"requires {needed}")
                response.headers["WWW-Authenticate"] = www
            else:
                try:
                    response = await handler(request)
                except _BadRequest as exc:
                    response = _error(400, "invalid_request", str(exc))
            response.headers.update(headers)
            return response

        return endpoint

    async def _http_error(self, request: Request, exc: Exception) -> Response:
        status = int(getattr(exc, "status_code", 500))
        return _error(status, "not_found" if status == 404 else "method_not_allowed")

    # --- /sim: manual driving in serve mode -------------------------------------------------

    async def _sim_add(self, request: Request) -> Response:
        try:
            return JSONResponse(self.add_task(**await _json_body(request)), status_code=201)
        except (ValueError, _BadRequest) as exc:
            return _error(400, "invalid_request", str(exc))

    async def _sim_change(self, request: Request) -> Response:
        task_id = request.path_params["task_id"]
        try:
            if request.method == "DELETE":
                self.delete_task(task_id)
                return Response(status_code=204)
            return JSONResponse(self.update_task(task_id, **await _json_body(request)))
        except KeyError:
            return _error(404, "not_found", f"task {task_id} does not exist")
        except (ValueError, _BadRequest) as exc:
            return _error(400, "invalid_request", str(exc))

    async def _sim_expire(self, request: Request) -> Response:
        self.expire_tokens()
        return Response(status_code=204)


def serve(
    port: int,
    *,
    tasks: int,
    fail_rate: float,
    rate_limit: str | None,
    drop_webhooks: float,
    client_id: str,
    client_secret: str,
    seed: int = 0,
    latency: float = 0.0,
    token_ttl: int = 3600,
    host: str = "127.0.0.1",
) -> None:
    """Runs the sim in the foreground until interrupted (for `vetanco sim reten`)."""
    sim = RetenSim(
        client_id=client_id,
        client_secret=client_secret,
        tasks=tasks,
        seed=seed,
        fail_rate=fail_rate,
        rate_limit=rate_limit,
        drop_webhooks=drop_webhooks,
        latency=latency,
        token_ttl=token_ttl,
        port=port,
    )
    print(
        f"Reten sim: VETANCO_RETEN_BASE_URL={sim.base_url} VETANCO_RETEN_CLIENT_ID={client_id} "
        f"({len(sim.tasks)} tasks; POST/PATCH/DELETE /sim/tasks to drive webhooks)",
        flush=True,
    )
    uvicorn.run(sim.app, host=host, port=port, log_level="info")
