"""Each SDK error class from a real server response, and retries that honour Retry-After."""

from __future__ import annotations

import socket
import time

import httpx
import pytest
import respx

from tests.factories import caso_payload
from tests.sdk.conftest import ClientFactory
from vetanco.sdk import (
    Conflicto,
    ErrorDeConexion,
    ErrorDelServidor,
    ErrorDeValidacion,
    LimiteExcedido,
    NoAutorizado,
    NoEncontrado,
    Prohibido,
    RespuestaInesperada,
    VetancoClient,
    VetancoError,
)


def test_401_bad_key(sdk_de: ClientFactory) -> None:
    with pytest.raises(NoAutorizado) as caught:
        sdk_de(api_key="vk_no_existe").casos.list()
    err = caught.value
    assert err.status == 401
    assert err.code == "unauthorized"
    assert err.message == "API key inválida o faltante."
    assert err.request_id
    assert isinstance(err, VetancoError)


def test_403_lectura_key_cannot_write(sdk_de: ClientFactory) -> None:
    lectura = sdk_de("lectura")
    assert lectura.casos.list().data == []
    with pytest.raises(Prohibido) as caught:
        lectura.casos.create(**caso_payload())
    assert caught.value.status == 403
    assert caught.value.code == "forbidden"
    with pytest.raises(Prohibido):
        sdk_de("colaborador").webhooks.list()


def test_404_unknown_resources(sdk: VetancoClient) -> None:
    with pytest.raises(NoEncontrado) as caught:
        sdk.casos.get("VET-2025-99999")
    assert caught.value.status == 404
    assert caught.value.code == "not_found"
    with pytest.raises(NoEncontrado):
        sdk.investigaciones.get("3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f")
    with pytest.raises(NoEncontrado):
        sdk.webhooks.get("3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f")


def test_400_names_each_field(sdk: VetancoClient) -> None:
    body = caso_payload(cliente={"cuit": "30-12345678-0", "email": "no-es-email"})
    body["descripcion"] = {"que_sucedio": "x"}
    with pytest.raises(ErrorDeValidacion) as caught:
        sdk.casos.create(**body)
    err = caught.value
    assert err.status == 400
    assert err.code == "validation_error"
    assert {"cliente.cuit", "cliente.email", "descripcion.que_sucedio"} <= set(err.campos)
    assert err.fields == err.campos
    assert all("msg" in d for d in err.details)

    with pytest.raises(ErrorDeValidacion) as query:
        sdk.casos.list(limit=101)
    assert query.value.campos == ["limit"]
    with pytest.raises(ErrorDeValidacion) as path:
        sdk.casos.get("no-es-un-numero")
    assert path.value.campos == ["numero_caso"]


def test_409_conflicts(sdk: VetancoClient) -> None:
    body = caso_payload()
    sdk.casos.create(**body, idempotency_key="clave-1")
    with pytest.raises(Conflicto) as reused:
        sdk.casos.create(**caso_payload(), idempotency_key="clave-1")
    assert reused.value.status == 409
    assert reused.value.body["idempotency_key"] == "clave-1"

    numero = sdk.casos.create(**caso_payload(tipo_caso="queja")).caso.numero_caso
    sdk.casos.estado(numero, estado="resuelto", resolucion="Atendida")
    sdk.casos.estado(numero, estado="cerrado")
    with pytest.raises(Conflicto) as cerrado:
        sdk.casos.clasificar(numero, tipo_caso="comentario")
    assert "cerrado" in cerrado.value.message


def test_429_without_retries_raises_with_retry_after(
    sdk_de: ClientFactory, servidor_por_minuto: str
) -> None:
    limitado = sdk_de(base_url=servidor_por_minuto, max_retries=0)
    limitado.casos.list()
    limitado.casos.list()
    with pytest.raises(LimiteExcedido) as caught:
        limitado.casos.list()
    err = caught.value
    assert err.status == 429
    assert err.code == "rate_limited"
    assert err.retry_after is not None
    assert 0 < err.retry_after <= 60
    assert err.headers["x-ratelimit-remaining"] == "0"


def test_429_sync_client_waits_retry_after_and_succeeds(
    sdk_de: ClientFactory, servidor_limitado: str
) -> None:
    limitado = sdk_de(base_url=servidor_limitado, max_retries=3)
    started = time.monotonic()
    for _ in range(3):
        assert limitado.casos.list().data == []
    elapsed = time.monotonic() - started
    assert elapsed >= 0.9, "the third call should have waited the server's Retry-After (1 s)"


def test_429_create_retries_once_safely(sdk_de: ClientFactory, servidor_limitado: str) -> None:
    limitado = sdk_de(base_url=servidor_limitado, max_retries=3)
    limitado.casos.list()
    limitado.casos.list()
    started = time.monotonic()
    creado = limitado.casos.create(**caso_payload())  # 429 first, then the Retry-After wait
    assert time.monotonic() - started >= 0.9
    assert limitado.casos.get(creado.caso.numero_caso).caso.numero_caso == creado.caso.numero_caso
    assert limitado.casos.list().pagination.total == 1


def test_other_posts_are_not_repeated_after_a_429(
    sdk: VetancoClient, sdk_de: ClientFactory, servidor_por_minuto: str
) -> None:
    limitado = sdk_de(base_url=servidor_por_minuto, max_retries=3)
    limitado.casos.list()
    limitado.casos.list()
    with pytest.raises(LimiteExcedido):  # no Idempotency-Key on this POST: never repeated
        limitado.colaboradores.create(nombre="Ana", cargo="Calidad")
    assert all(c.nombre != "Ana" for c in sdk.colaboradores.list().data)


def test_retry_after_longer_than_the_cap_is_raised_not_waited(
    sdk_de: ClientFactory, servidor_por_minuto: str
) -> None:
    """Waiting out the minute would have ended in a 200: the 429 itself shows it was not waited."""
    limitado = sdk_de(base_url=servidor_por_minuto, max_retries=3, max_retry_delay=0.5)
    limitado.casos.list()
    limitado.casos.list()
    with pytest.raises(LimiteExcedido) as caught:
        limitado.casos.list()
    assert caught.value.retry_after is not None
    assert caught.value.retry_after > 0.5


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_connection_error_after_retries() -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    with VetancoClient(api_key="k", base_url=url, max_retries=2, backoff_base=0.01) as client:
        started = time.monotonic()
        with pytest.raises(ErrorDeConexion) as caught:
            client.casos.list()
    assert caught.value.status is None
    assert "no se pudo conectar" in caught.value.message
    assert time.monotonic() - started < 5


@respx.mock(assert_all_called=True)
def test_retries_5xx_then_succeeds_and_keeps_request_id(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.get("http://api.test/api/estadisticas").mock(
        side_effect=[
            httpx.Response(503, json={"error": "x", "message": "caído", "details": []}),
            httpx.ConnectError("reset"),
            httpx.Response(200, json={"detalle": "sin forma"}),
        ]
    )
    client = VetancoClient(api_key="k", base_url="http://api.test", backoff_base=0.01)
    with client, pytest.raises(RespuestaInesperada) as caught:
        client.estadisticas.get()
    assert route.call_count == 3
    ids = {call.request.headers["x-request-id"] for call in route.calls}
    assert len(ids) == 1, "every attempt of one call carries the same X-Request-ID"
    assert caught.value.request_id in ids


@respx.mock
def test_5xx_on_a_plain_post_is_not_retried(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post("http://api.test/api/colaboradores").mock(
        return_value=httpx.Response(500, json={"error": "error_interno", "message": "boom"})
    )
    client = VetancoClient(api_key="k", base_url="http://api.test", backoff_base=0.01)
    with client, pytest.raises(ErrorDelServidor) as caught:
        client.colaboradores.create(nombre="Ana", cargo="Calidad")
    assert route.call_count == 1
    assert caught.value.status == 500
    assert caught.value.code == "error_interno"


@respx.mock
def test_create_sends_one_idempotency_key_across_retries(respx_mock: respx.MockRouter) -> None:
    route = respx_mock.post("http://api.test/api/casos").mock(
        side_effect=[httpx.ReadTimeout("lento"), httpx.Response(502, text="bad gateway")]
    )
    with (
        VetancoClient(
            api_key="k", base_url="http://api.test", max_retries=1, backoff_base=0.01
        ) as client,
        pytest.raises(ErrorDelServidor) as caught,
    ):
        client.casos.create(**caso_payload())
    keys = {call.request.headers["idempotency-key"] for call in route.calls}
    assert route.call_count == 2
    assert len(keys) == 1
    assert caught.value.body == "bad gateway"


def test_missing_api_key_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VETANCO_API_KEY", raising=False)
    with pytest.raises(VetancoError, match="VETANCO_API_KEY"):
        VetancoClient()
    monkeypatch.setenv("VETANCO_API_KEY", "de-entorno")
    monkeypatch.setenv("VETANCO_BASE_URL", "http://api.test/")
    with VetancoClient() as client:
        assert client.casos._runner.policy.config.base_url == "http://api.test"
