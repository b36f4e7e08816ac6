"""VetancoClient (httpx.Client) and AsyncVetancoClient (httpx.AsyncClient)."""

from __future__ import annotations

from types import TracebackType
from typing import Generic, Self, Unpack

import httpx

from vetanco.sdk._http import AsyncRunner, Config, Options, SyncRunner
from vetanco.sdk.resources import (
    ApiKeys,
    Casos,
    Clientes,
    Colaboradores,
    Conversaciones,
    EstadisticasResource,
    Investigaciones,
    Reten,
    SaludResource,
    Senales,
    Webhooks,
)
from vetanco.sdk.resources._base import R


class _Resources(Generic[R]):
    """The API's domains, bound to one runner."""

    def __init__(self, runner: R) -> None:
        self.casos = Casos(runner)
        self.investigaciones = Investigaciones(runner)
        self.clientes = Clientes(runner)
        self.estadisticas = EstadisticasResource(runner)
        self.senales = Senales(runner)
        self.colaboradores = Colaboradores(runner)
        self.api_keys = ApiKeys(runner)
        self.webhooks = Webhooks(runner)
        self.conversaciones = Conversaciones(runner)
        self.reten = Reten(runner)
        self.salud = SaludResource(runner)


class VetancoClient(_Resources[SyncRunner]):
    """Synchronous client over httpx.Client; options (and their defaults) are in `Options`."""

    def __init__(
        self, *, http_client: httpx.Client | None = None, **options: Unpack[Options]
    ) -> None:
        config = Config.resolve(**options)
        self._owns_http = http_client is None
        self._http = http_client or httpx.Client()
        super().__init__(SyncRunner(config, self._http))

    def close(self) -> None:
        """Closes the connection pool (only if the client created it)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncVetancoClient(_Resources[AsyncRunner]):
    """The same API for asyncio: every method returns an awaitable, `iter_*` async iterators."""

    def __init__(
        self, *, http_client: httpx.AsyncClient | None = None, **options: Unpack[Options]
    ) -> None:
        config = Config.resolve(**options)
        self._owns_http = http_client is None
        self._http = http_client or httpx.AsyncClient()
        super().__init__(AsyncRunner(config, self._http))

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
