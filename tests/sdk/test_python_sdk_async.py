"""AsyncVetancoClient: the same resources as the sync client, awaited, on a real server."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from tests.factories import caso_payload
from vetanco.sdk import (
    AsyncVetancoClient,
    Conflicto,
    ErrorDeConexion,
    ErrorDeValidacion,
    LimiteExcedido,
    NoAutorizado,
    NoEncontrado,
    Prohibido,
    models,
)

pytestmark = pytest.mark.anyio
AsyncFactory = Callable[..., AsyncVetancoClient]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def asdk_de(live_server: str, keys: dict[str, str]) -> AsyncIterator[AsyncFactory]:
    made: list[AsyncVetancoClient] = []

    def build(role: str = "admin", **options: Any) -> AsyncVetancoClient:
        options.setdefault("api_key", keys.get(role, role))
        options.setdefault("base_url", live_server)
        options.setdefault("backoff_base", 0.01)
        client = AsyncVetancoClient(**options)
        made.append(client)
        return client

    yield build
    for client in made:
        await client.aclose()


@pytest.fixture
def asdk(asdk_de: AsyncFactory) -> AsyncVetancoClient:
    return asdk_de()


async def test_flow_create_list_iter_clasificar_estado_historial(asdk: AsyncVetancoClient) -> None:
    creados = await asyncio.gather(*(asdk.casos.create(**caso_payload()) for _ in range(5)))
    numeros = sorted(c.caso.numero_caso for c in creados)
    numero = numeros[0]

    caso = (await asdk.casos.get(numero)).caso
    assert caso.numero_caso == numero
    pagina = await asdk.casos.list(limit=2, tipo_caso="pendiente_clasificacion")
    assert isinstance(pagina, models.CasoList)
    assert pagina.pagination.total_pages == 3
    assert sorted([c.numero_caso async for c in asdk.casos.iter_all(limit=2)]) == numeros

    await asdk.casos.clasificar(numero, tipo_caso="queja", motivo="Demora en la entrega")
    assert [c.numero_caso for c in (await asdk.casos.list(tipo_caso="queja")).data] == [numero]
    estado = await asdk.casos.estado(numero, estado="resuelto", resolucion="Se disculpó")
    assert estado.caso.estado == "resuelto"
    historial = await asdk.casos.historial(numero)
    assert [e.secuencia for e in historial.data] == list(range(1, len(historial.data) + 1))


async def test_investigaciones_estadisticas_clientes(asdk: AsyncVetancoClient) -> None:
    numero = (await asdk.casos.create(**caso_payload())).caso.numero_caso
    colaborador = await asdk.colaboradores.create(nombre="Dr. López", cargo="Calidad")
    iniciada = await asdk.investigaciones.iniciar(
        numero, investigador_id=colaborador.colaborador.id
    )
    inv_id = iniciada.investigacion.id
    await asdk.investigaciones.actualizar(inv_id, hallazgos="Lote contaminado")
    completada = await asdk.investigaciones.completar(inv_id, causa_raiz="Tanque sucio")
    assert completada.investigacion.estado == "completada"
    assert (await asdk.investigaciones.get(inv_id)).investigacion.causa_raiz == "Tanque sucio"

    stats = await asdk.estadisticas.get(fecha_desde="2020-01-01")
    assert stats.totales.total_casos == 1
    assert stats.por_estado.en_investigacion == 1
    (cliente,) = (await asdk.clientes.search(cuit="30-12345678-1")).data
    assert cliente.total_casos == 1
    assert [c.id async for c in asdk.clientes.iter_all()] == [cliente.id]


async def test_webhooks_crud(asdk: AsyncVetancoClient, live_server: str) -> None:
    creado = await asdk.webhooks.create(url=f"{live_server}/hook", events=["caso.creado"])
    assert (await asdk.webhooks.get(creado.id)).events == ["caso.creado"]
    assert not (await asdk.webhooks.update(creado.id, enabled=False)).enabled
    ping = await asdk.webhooks.probar(creado.id)
    assert [e.id for e in (await asdk.webhooks.entregas(creado.id)).data] == [ping.entrega_id]
    await asdk.webhooks.delete(creado.id)
    assert (await asdk.webhooks.list()).data == []


async def test_errors_are_the_same_classes(asdk_de: AsyncFactory, asdk: AsyncVetancoClient) -> None:
    with pytest.raises(NoAutorizado):
        await asdk_de(api_key="vk_mala").casos.list()
    with pytest.raises(Prohibido):
        await asdk_de("lectura").casos.create(**caso_payload())
    with pytest.raises(NoEncontrado):
        await asdk.casos.get("VET-2025-99999")
    with pytest.raises(ErrorDeValidacion) as invalid:
        await asdk.casos.create(**caso_payload(cliente={"cuit": "30-12345678-0"}))
    assert invalid.value.campos == ["cliente.cuit"]
    body = caso_payload()
    await asdk.casos.create(**body)
    with pytest.raises(Conflicto):
        await asdk.casos.create(**body)


async def test_429_is_waited_out(
    asdk_de: AsyncFactory, servidor_limitado: str, servidor_por_minuto: str
) -> None:
    sin_reintentos = asdk_de(base_url=servidor_por_minuto, max_retries=0)
    await sin_reintentos.salud.healthz()  # not rate limited: no key involved
    await sin_reintentos.casos.list()
    await sin_reintentos.casos.list()
    with pytest.raises(LimiteExcedido) as caught:
        await sin_reintentos.casos.list()
    assert caught.value.retry_after is not None

    paciente = asdk_de("calidad", base_url=servidor_limitado, max_retries=3)
    started = time.monotonic()
    for _ in range(3):
        assert (await paciente.casos.list()).data == []
    assert time.monotonic() - started >= 0.9


async def test_connection_error_and_context_manager() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    async with AsyncVetancoClient(
        api_key="k", base_url=f"http://127.0.0.1:{port}", max_retries=1, backoff_base=0.01
    ) as client:
        with pytest.raises(ErrorDeConexion):
            await client.casos.get("VET-2025-00001")
