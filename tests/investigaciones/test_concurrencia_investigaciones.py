"""Parallel requests against a real server: one investigation per case, an unbroken history."""

from __future__ import annotations

import itertools
from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.conftest import Api
from tests.factories import crear_caso, crear_colaborador

PARALELAS = 8


def test_iniciar_en_paralelo_crea_una_sola_investigacion(live_server: str, api: Api) -> None:
    numero = crear_caso(api)
    investigadores = [crear_colaborador(api, nombre=f"Investigador {i}") for i in range(PARALELAS)]
    headers = {"Authorization": f"Bearer {api.keys['calidad']}"}

    def iniciar(investigador_id: str) -> int:
        with httpx.Client(base_url=live_server, timeout=60) as client:
            response = client.post(
                f"/api/casos/{numero}/investigacion",
                json={"investigador_id": investigador_id},
                headers=headers,
            )
            return response.status_code

    with ThreadPoolExecutor(max_workers=PARALELAS) as pool:
        codigos = list(pool.map(iniciar, investigadores))

    assert sorted(codigos) == [201] + [409] * (PARALELAS - 1)
    caso = api.get(f"/api/casos/{numero}").json()["caso"]
    assert caso["estado"] == "en_investigacion"
    iniciadas = [
        e
        for e in api.get(f"/api/casos/{numero}/historial").json()["data"]
        if e["accion"] == "investigacion_iniciada"
    ]
    assert len(iniciadas) == 1
    assert iniciadas[0]["cambios"]["investigacion"]["despues"] == caso["investigacion"]["id"]


def test_actualizaciones_en_paralelo_encadenan_el_historial(live_server: str, api: Api) -> None:
    numero = crear_caso(api)
    inv = api.post(
        f"/api/casos/{numero}/investigacion", json={"investigador_id": crear_colaborador(api)}
    )
    inv_id = inv.json()["investigacion"]["id"]
    headers = {"Authorization": f"Bearer {api.keys['admin']}"}

    def actualizar(i: int) -> int:
        with httpx.Client(base_url=live_server, timeout=60) as client:
            response = client.put(
                f"/api/investigaciones/{inv_id}",
                json={"hallazgos": f"Hallazgo {i}"},
                headers=headers,
            )
            return response.status_code

    with ThreadPoolExecutor(max_workers=PARALELAS) as pool:
        codigos = list(pool.map(actualizar, range(PARALELAS)))

    assert codigos == [200] * PARALELAS
    entradas = api.get(f"/api/casos/{numero}/historial").json()["data"]
    actualizadas = [e for e in entradas if e["accion"] == "investigacion_actualizada"]
    assert len(actualizadas) == PARALELAS
    assert [e["secuencia"] for e in entradas] == list(range(1, len(entradas) + 1))
    for previa, siguiente in itertools.pairwise(entradas):
        assert siguiente["hash_anterior"] == previa["hash"]
    final = api.get(f"/api/investigaciones/{inv_id}").json()["investigacion"]["hallazgos"]
    assert final == actualizadas[-1]["cambios"]["investigacion.hallazgos"]["despues"]
