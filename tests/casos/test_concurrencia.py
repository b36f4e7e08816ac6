"""Numbering under real concurrency: a live uvicorn, 50 simultaneous POSTs."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.conftest import Api
from tests.factories import caso_payload
from vetanco.db import utcnow


def test_fifty_parallel_posts_get_fifty_consecutive_numbers(live_server: str, api: Api) -> None:
    headers = {"Authorization": f"Bearer {api.keys['colaborador']}"}
    payloads = [caso_payload() for _ in range(50)]

    def post(payload: dict[str, object]) -> httpx.Response:
        with httpx.Client(base_url=live_server, timeout=60) as client:
            return client.post("/api/casos", json=payload, headers=headers)

    with ThreadPoolExecutor(max_workers=25) as pool:
        responses = list(pool.map(post, payloads))
    assert [r.status_code for r in responses] == [201] * 50, [
        r.text for r in responses if r.status_code != 201
    ]
    numeros = sorted(r.json()["caso"]["numero_caso"] for r in responses)
    year = utcnow().year
    assert numeros == [f"VET-{year}-{n:05d}" for n in range(1, 51)]
    listed = api.get("/api/casos", params={"limit": 100}).json()
    assert listed["pagination"]["total"] == 50


def test_parallel_duplicates_create_exactly_one_case(live_server: str, api: Api) -> None:
    """The same complaint sent ten times at once (no Idempotency-Key) files one case."""
    headers = {"Authorization": f"Bearer {api.keys['colaborador']}"}
    payload = caso_payload()

    def post(_: int) -> httpx.Response:
        with httpx.Client(base_url=live_server, timeout=60) as client:
            return client.post("/api/casos", json=payload, headers=headers)

    with ThreadPoolExecutor(max_workers=10) as pool:
        responses = list(pool.map(post, range(10)))
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] + [409] * 9
    created = next(r for r in responses if r.status_code == 201).json()["caso"]["numero_caso"]
    assert {r.json()["numero_caso"] for r in responses if r.status_code == 409} == {created}


def test_parallel_retries_with_one_idempotency_key_replay_the_first_answer(
    live_server: str, api: Api
) -> None:
    headers = {"Authorization": f"Bearer {api.keys['colaborador']}", "Idempotency-Key": "retry-123"}
    payload = caso_payload()

    def post(_: int) -> httpx.Response:
        with httpx.Client(base_url=live_server, timeout=60) as client:
            return client.post("/api/casos", json=payload, headers=headers)

    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(post, range(8)))
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["caso"]["numero_caso"] for r in responses}) == 1
    assert sum(r.headers.get("Idempotent-Replayed") == "true" for r in responses) == 7
