"""/api/estadisticas: the por_lote block next to productos_con_mas_reclamos."""

from __future__ import annotations

from tests.conftest import Api
from tests.senales.helpers import PRODUCTO, mover, reclamo, una_senal


def test_por_lote_counts_reclamos_criticos_and_signal_state(api: Api) -> None:
    for _ in range(3):
        reclamo(api, "P1")
    reclamo(api, "p1", "critico")
    reclamo(api, "P2", "critico")
    reclamo(api, "P3")
    reclamo(api, "P3", tipo="queja")
    reclamo(api, "P4", producto="Ivermectina 1%")
    mover(api, una_senal(api, lote="P2")["id"], "descartada", "Error de aplicación")

    response = api.get("/api/estadisticas", role="lectura")
    assert response.status_code == 200, response.text
    body = response.json()

    p1, p2 = una_senal(api, lote="P1"), una_senal(api, lote="P2")
    # Most reclamos first, then most críticos, then by lot.
    assert body["por_lote"] == [
        {
            "producto": PRODUCTO,
            "lote": "P1",
            "reclamos": 4,
            "criticos": 1,
            "senal_id": p1["id"],
            "senal_estado": "abierta",
        },
        {
            "producto": PRODUCTO,
            "lote": "P2",
            "reclamos": 1,
            "criticos": 1,
            "senal_id": p2["id"],
            "senal_estado": "descartada",
        },
        {
            "producto": PRODUCTO,
            "lote": "P3",
            "reclamos": 1,
            "criticos": 0,
            "senal_id": None,
            "senal_estado": None,
        },
        {
            "producto": "Ivermectina 1%",
            "lote": "P4",
            "reclamos": 1,
            "criticos": 0,
            "senal_id": None,
            "senal_estado": None,
        },
    ]
    assert body["productos_con_mas_reclamos"] == [
        {"producto": PRODUCTO, "total_reclamos": 6},
        {"producto": "Ivermectina 1%", "total_reclamos": 1},
    ]
    assert body["por_lote"][0]["reclamos"] == body["lotes_con_mas_reclamos"][0]["total_reclamos"]
