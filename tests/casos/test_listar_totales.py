"""pagination.total comes from the daily totals when it can: exact before and after recomputing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from tests.conftest import Api
from tests.estadisticas.test_estadisticas import fechar, reclamo, resolver
from tests.factories import crear_caso
from vetanco.casos.models import Caso
from vetanco.db import Database
from vetanco.estadisticas import acumulado

HACE_DIAS = datetime.now(UTC).replace(hour=15, minute=30, second=0, microsecond=0) - timedelta(
    days=5
)
FILTROS: list[dict[str, Any]] = [
    {},
    {"tipo_caso": "reclamo"},
    {"tipo_caso": "reclamo", "criticidad": "critico"},
    {"estado": "resuelto"},
    {"criticidad": "menor", "estado": "nuevo"},
    {"fecha_desde": (HACE_DIAS - timedelta(days=1)).date().isoformat()},
    {"fecha_hasta": HACE_DIAS.date().isoformat()},
    {"fecha_desde": HACE_DIAS.isoformat(), "tipo_caso": "reclamo"},
    {"fecha_desde": (HACE_DIAS + timedelta(hours=1)).isoformat()},
    {"canal": "email"},
]


def _totales(api: Api) -> list[int]:
    return [api.get("/api/casos", params=f).json()["pagination"]["total"] for f in FILTROS]


def _contados(api: Api) -> list[int]:
    """The same filters counted the slow way, row by row."""
    return [len(list(_todos(api, f))) for f in FILTROS]


def _todos(api: Api, filtros: dict[str, Any]) -> list[str]:
    numeros: list[str] = []
    page = 1
    while True:
        body = api.get("/api/casos", params={**filtros, "limit": 100, "page": page}).json()
        numeros += [c["numero_caso"] for c in body["data"]]
        if page >= max(1, body["pagination"]["total_pages"]):
            return numeros
        page += 1


def _refrescar(db: Database) -> None:
    with db.transaction() as session:
        while acumulado.refrescar(session):
            pass


@pytest.fixture
def casos(api: Api, db: Database) -> list[str]:
    numeros = [
        reclamo(api, "critico"),
        reclamo(api, "menor"),
        reclamo(api, "menor"),
        crear_caso(api, tipo_caso="queja", canal="email"),
        crear_caso(api, tipo_caso="comentario"),
    ]
    fechar(db, numeros[0], HACE_DIAS)
    fechar(db, numeros[3], HACE_DIAS + timedelta(hours=2))
    resolver(api, numeros[1])
    return numeros


def test_totales_exactos_con_y_sin_los_acumulados_al_dia(
    api: Api, db: Database, casos: list[str]
) -> None:
    esperado = _contados(api)
    assert esperado[0] == 5
    assert _totales(api) == esperado
    _refrescar(db)
    assert _totales(api) == esperado
    resolver(api, casos[2])
    crear_caso(api, tipo_caso="reclamo", criticidad="critico")
    despues = _contados(api)
    assert despues != esperado
    assert _totales(api) == despues
    _refrescar(db)
    assert _totales(api) == despues
    with db.session(write=False) as session:
        assert session.scalar(select(func.count()).select_from(Caso)) == despues[0]
