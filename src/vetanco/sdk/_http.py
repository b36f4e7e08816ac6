"""Transport: auth headers, JSON, timeouts, and retries of retry-safe calls (sync and async)."""

from __future__ import annotations

import asyncio
import itertools
import os
import random
import time
import uuid
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TypedDict, TypeVar, Unpack, final

import httpx
import pydantic
from pydantic_core import to_jsonable_python

from vetanco.sdk import errors
from vetanco.sdk._call import NO_BODY, Call, query
from vetanco.sdk.models.base import Pagina

T = TypeVar("T")
I = TypeVar("I")  # noqa: E741

DEFAULT_BASE_URL = "http://localhost:3000"
VERSION = "0.1.0"


class Options(TypedDict, total=False):
    """Client options; every one has a default."""

    api_key: str | None
    """`Authorization: Bearer …`; default: the VETANCO_API_KEY environment variable."""
    base_url: str | None
    """Root of the API; default: VETANCO_BASE_URL, else http://localhost:3000."""
    timeout: float
    """Seconds per attempt, body included (default 30)."""
    max_retries: int
    """Retries of retry-safe calls after a connection error, 429 or 5xx (default 2)."""
    backoff_base: float
    """First backoff step in seconds; doubles each retry, with jitter (default 0.5)."""
    max_retry_delay: float
    """No single wait exceeds this; a longer Retry-After is raised, not waited (default 60)."""
    headers: Mapping[str, str]
    """Extra headers sent with every request."""


@dataclass(frozen=True)
class Config:
    """Settings shared by every call of a client."""

    api_key: str
    base_url: str = DEFAULT_BASE_URL
    timeout: float = 30.0
    max_retries: int = 2
    backoff_base: float = 0.5
    max_retry_delay: float = 60.0
    headers: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def resolve(cls, **options: Unpack[Options]) -> Config:
        """Fills api_key and base_url from VETANCO_API_KEY / VETANCO_BASE_URL when not given."""
        key = options.pop("api_key", None) or os.environ.get("VETANCO_API_KEY")
        if not key:
            raise errors.VetancoError(
                "Falta la API key: pasá api_key=… o definí la variable VETANCO_API_KEY."
            )
        url = options.pop("base_url", None) or os.environ.get("VETANCO_BASE_URL")
        return cls(
            api_key=key,
            base_url=(url or DEFAULT_BASE_URL).rstrip("/"),
            timeout=options.get("timeout", cls.timeout),
            max_retries=max(0, options.get("max_retries", cls.max_retries)),
            backoff_base=options.get("backoff_base", cls.backoff_base),
            max_retry_delay=options.get("max_retry_delay", cls.max_retry_delay),
            headers=dict(options.get("headers") or {}),
        )


class _Policy:
    """Everything but the I/O: building the request, deciding on retries, parsing the answer."""

    def __init__(self, config: Config) -> None:
        self.config = config

    def request(self, client: httpx.Client | httpx.AsyncClient, call: Call[T]) -> httpx.Request:
        headers = {
            "Accept": "application/json",
            "User-Agent": f"vetanco-sdk-python/{VERSION}",
            **self.config.headers,
            "Authorization": f"Bearer {self.config.api_key}",
            "X-Request-ID": uuid.uuid4().hex,
        }
        if call.idempotency_key is not None:
            headers["Idempotency-Key"] = call.idempotency_key
        json = to_jsonable_python(call.body) if call.body is not NO_BODY else None
        return client.build_request(
            call.method,
            self.config.base_url + call.path,
            params=query(call.params),
            json=json,
            headers=headers,
            timeout=self.config.timeout,
        )

    def backoff(self, attempt: int) -> float:
        """Exponential with 'equal jitter': half the step fixed, half random."""
        step = min(self.config.max_retry_delay, self.config.backoff_base * 2.0**attempt)
        return step / 2 + random.uniform(0, step / 2)

    def after_error(
        self, call: Call[T], attempt: int, request: httpx.Request, exc: httpx.TransportError
    ) -> float:
        """Seconds to wait before retrying a failed connection, or raises ErrorDeConexion."""
        if call.retry_safe and attempt < self.config.max_retries:
            return self.backoff(attempt)
        reason = (
            "se agotó el tiempo de espera"
            if isinstance(exc, httpx.TimeoutException)
            else "no se pudo conectar"
        )
        raise errors.ErrorDeConexion(
            f"{call.method} {request.url}: {reason} ({type(exc).__name__}: {exc})",
            request_id=request.headers.get("x-request-id"),
        ) from exc

    def after_response(self, call: Call[T], attempt: int, response: httpx.Response) -> float | None:
        """Seconds to wait before a retry, or None when this response is the final one."""
        status = response.status_code
        if not (status == 429 or status >= 500) or not call.retry_safe:
            return None
        if attempt >= self.config.max_retries:
            return None
        after = errors.retry_after_seconds(response.headers.get("retry-after"))
        if after is None:
            return self.backoff(attempt)
        return after if after <= self.config.max_retry_delay else None

    def result(self, call: Call[T], response: httpx.Response) -> T:
        request_id = response.request.headers.get("x-request-id")
        if not response.is_success:
            raise errors.error_from_response(response, request_id=request_id)
        try:
            return call.parse(response)
        except (ValueError, pydantic.ValidationError) as exc:
            raise errors.RespuestaInesperada(
                f"{call.method} {call.path}: la respuesta no tiene la forma esperada ({exc})",
                status=response.status_code,
                body=response.text,
                request_id=request_id,
            ) from exc


def next_page(call: Call[Pagina[I]], page: int, result: Pagina[I]) -> Call[Pagina[I]] | None:
    """The call for the page after `result`, or None after the last one."""
    if not result.data or page >= result.pagination.total_pages:
        return None
    return call.with_params(page=page + 1)


@final
class SyncRunner:
    """Runs calls on an httpx.Client, sleeping between retries."""

    def __init__(self, config: Config, client: httpx.Client) -> None:
        self.policy = _Policy(config)
        self.client = client

    def run(self, call: Call[T]) -> T:
        request = self.policy.request(self.client, call)
        for attempt in itertools.count():
            try:
                response = self.client.send(request)
            except httpx.TransportError as exc:
                time.sleep(self.policy.after_error(call, attempt, request, exc))
                continue
            delay = self.policy.after_response(call, attempt, response)
            if delay is None:
                return self.policy.result(call, response)
            time.sleep(delay)
        raise AssertionError("unreachable")

    def iterate(self, call: Call[Pagina[I]]) -> Iterator[I]:
        page: Call[Pagina[I]] | None = call.with_params(page=1)
        number = 1
        while page is not None:
            result = self.run(page)
            yield from result.data
            page, number = next_page(call, number, result), number + 1


@final
class AsyncRunner:
    """Runs calls on an httpx.AsyncClient, awaiting asyncio.sleep between retries."""

    def __init__(self, config: Config, client: httpx.AsyncClient) -> None:
        self.policy = _Policy(config)
        self.client = client

    async def run(self, call: Call[T]) -> T:
        request = self.policy.request(self.client, call)
        for attempt in itertools.count():
            try:
                response = await self.client.send(request)
            except httpx.TransportError as exc:
                await asyncio.sleep(self.policy.after_error(call, attempt, request, exc))
                continue
            delay = self.policy.after_response(call, attempt, response)
            if delay is None:
                return self.policy.result(call, response)
            await asyncio.sleep(delay)
        raise AssertionError("unreachable")

    async def iterate(self, call: Call[Pagina[I]]) -> AsyncIterator[I]:
        page: Call[Pagina[I]] | None = call.with_params(page=1)
        number = 1
        while page is not None:
            result = await self.run(page)
            for item in result.data:
                yield item
            page, number = next_page(call, number, result), number + 1
