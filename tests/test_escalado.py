"""Scale-out on real processes: `serve --workers 2` and two `vetanco worker` on one PostgreSQL and Redis."""

from __future__ import annotations

import os
import signal
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import func, select

from tests.conftest import Api
from tests.factories import caso_payload
from tests.procesos import (
    Muestras,
    Proceso,
    en_paralelo,
    free_port,
    http_por_proceso,
    is_up,
    muestras,
    stop_all,
    vetanco,
    wait_until,
    worker,
)
from tests.webhooks.conftest import subscribe
from vetanco.casos.models import Caso
from vetanco.db import Database
from vetanco.sim.receiver import CLIENT_GONE, Behaviour, Receiver
from vetanco.webhooks.models import OutboxEvent, WebhookAttempt, WebhookDelivery

pytestmark = pytest.mark.postgres

CASOS = 60
LIMITE = 70
DE_MAS = 25
PARALELO = 50  # a whole batch (50) in one round: a worker holding requests has none answered yet
DEMORA = 4.0  # both workers must be caught holding a round: wide enough for a loaded machine
TOKEN = "metricas-de-prueba"


@pytest.fixture
def redis_url() -> str:
    url = os.environ.get("VETANCO_TEST_REDIS_URL")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("VETANCO_TEST_REDIS_URL no está definida: Redis es obligatorio en CI")
        pytest.skip("Redis no configurado (definí VETANCO_TEST_REDIS_URL)")
    return url


@pytest.fixture
def processes() -> Iterator[list[Proceso]]:
    started: list[Proceso] = []
    yield started
    stop_all(started)


def _ambos_a_mitad_de_lote(receiver: Receiver) -> bool:
    """More requests held than one worker sends at once, none of them about to be answered."""
    retenidos = receiver.in_flight()
    return len(retenidos) > PARALELO and time.time() - retenidos[0].at < DEMORA - 0.5


@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_two_api_processes_and_two_workers_share_one_database(
    api: Api,
    db: Database,
    database_url: str,
    redis_url: str,
    tmp_path: Path,
    processes: list[Proceso],
) -> None:
    """Gap-free numbers, each webhook once as a 2xx, one shared rate limit, a kill -9 losing nothing, summed metrics."""
    metricas = tmp_path / "metricas"
    metricas.mkdir()
    comun = {
        "PROMETHEUS_MULTIPROC_DIR": str(metricas),
        "VETANCO_REDIS_URL": redis_url,
        "VETANCO_RATE_LIMIT": f"{LIMITE}/minute",
        "VETANCO_METRICS_TOKEN": TOKEN,
        "VETANCO_WORKER_CONCURRENCY": str(PARALELO),
        # short, so the killed worker's deliveries are re-claimed within the test; long enough
        # that a loaded CI machine (the whole suite on 2 cores) records a round's answers before
        # another worker may take it over: with 8 s to spare a clean-clone run saw 8 sent twice
        "VETANCO_WEBHOOK_LEASE_SECONDS": str(DEMORA + 20),
    }
    receiver = Receiver(Behaviour(delay=DEMORA)).start()
    try:
        for path in ("/a", "/b"):
            subscribe(api, receiver.url + path)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        args = ["serve", "--workers", "2", "--no-background", "--no-migrate", "--port", str(port)]
        processes.append(vetanco(args, database_url, tmp_path, "serve", **comun))
        w1 = worker(database_url, tmp_path, "w1", **comun)
        w2 = worker(database_url, tmp_path, "w2", **comun)
        processes.extend([w1, w2])
        wait_until(lambda: is_up(base), timeout=120, what="la API responde")

        def ambos_atienden() -> bool:
            en_paralelo(base, [("GET", "/healthz", None)] * 16)
            return len(http_por_proceso(metricas)) >= 2

        wait_until(ambos_atienden, what="los dos procesos de la API atienden")

        altas = [("POST", "/api/casos", caso_payload()) for _ in range(CASOS)]
        creados = en_paralelo(base, altas, key=api.keys["colaborador"])
        assert [r.status_code for r in creados] == [201] * CASOS, creados[0].text
        numeros = sorted(r.json()["caso"]["numero_caso"] for r in creados)

        wait_until(lambda: _ambos_a_mitad_de_lote(receiver), what="los dos workers a mitad de lote")
        w1.send_signal(signal.SIGKILL)
        w1.wait(timeout=10)
        receiver.behaviour.delay = 0

        lecturas = [("GET", "/api/casos?limit=1", None)] * (LIMITE + DE_MAS)
        rafaga = en_paralelo(base, lecturas, key=api.keys["lectura"])

        def pendientes() -> int:
            with db.transaction(write=False) as session:
                return int(
                    session.scalar(
                        select(func.count())
                        .select_from(WebhookDelivery)
                        .where(WebhookDelivery.estado != "entregada")
                    )
                    or 0
                )

        wait_until(lambda: pendientes() == 0, timeout=120, what="todas las entregas hechas")
        recibidos = receiver.snapshot()
    finally:
        receiver.stop()

    with db.transaction(write=False) as session:
        en_base = sorted(session.scalars(select(Caso.numero_caso)))
        eventos = session.scalar(select(func.count()).select_from(OutboxEvent))
        entregas = set(session.scalars(select(WebhookDelivery.public_id)))
        exitos = Counter(
            session.scalars(
                select(WebhookAttempt.delivery_id).where(WebhookAttempt.status_code == 200)
            )
        )

    secuencias = [int(n.rsplit("-", 1)[1]) for n in numeros]
    assert numeros == en_base
    assert secuencias == list(range(secuencias[0], secuencias[0] + CASOS))

    ok = Counter(r.headers["webhook-id"] for r in recibidos if r.status == 200)
    abandonados = {r.headers["webhook-id"] for r in recibidos if r.status == CLIENT_GONE}
    assert len(entregas) == (eventos or 0) * 2
    assert set(ok) == entregas
    assert [k for k, v in ok.items() if v > 1] == []
    assert len(exitos) == len(entregas)
    assert set(exitos.values()) == {1}
    assert abandonados, "the killed worker had nothing in flight"
    assert abandonados <= set(ok)

    codigos = Counter(r.status_code for r in rafaga)
    assert codigos == {200: LIMITE, 429: DE_MAS}

    texto = httpx.get(f"{base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).text
    http = muestras(text_string_to_metric_families(texto), "vetanco_http_requests_total")
    assert http[("POST", "/api/casos", "201")] == CASOS
    assert http[("GET", "/api/casos", "200")] == LIMITE
    assert http[("GET", "/api/casos", "429")] == DE_MAS
    por_proceso = http_por_proceso(metricas)
    assert len(por_proceso) == 2
    assert all(c[("POST", "/api/casos", "201")] > 0 for c in por_proceso.values())
    assert all(
        c[("GET", "/api/casos", "429")] + c[("GET", "/api/casos", "200")] > 0
        for c in por_proceso.values()
    )
    sumados: Muestras = sum(por_proceso.values(), Counter())
    assert {k: v for k, v in sumados.items() if "/metrics" not in k} == http
    webhooks = muestras(text_string_to_metric_families(texto), "vetanco_webhook_entregas_total")
    assert webhooks[("entregada",)] == len(entregas)
