"""GET /api/casos over many cases: every order pages without gaps or repeats, from an index."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text, update
from sqlalchemy.orm import Session

from tests.conftest import Api
from tests.factories import crear_caso
from vetanco.casos.models import Caso
from vetanco.casos.repository import ORDENES, CasoFilters, numeros_en_orden
from vetanco.db import Database

RANGO = {"critico": 0, "mayor": 1, "menor": 2, None: 3}
CLAVES = {
    "-created_at": lambda c: (_neg(c["created_at"]), _neg(c["numero_caso"])),
    "created_at": lambda c: (c["created_at"], c["numero_caso"]),
    "-updated_at": lambda c: (_neg(c["updated_at"]), _neg(c["numero_caso"])),
    "criticidad": lambda c: (RANGO[c["criticidad"]], _neg(c["created_at"]), _neg(c["numero_caso"])),
    "estado": lambda c: (c["estado"], _neg(c["created_at"]), _neg(c["numero_caso"])),
    "numero_caso": lambda c: (c["numero_caso"],),
    "-numero_caso": lambda c: (_neg(c["numero_caso"]),),
}
# the filters the bandeja offers first, alone and combined
FILTROS: list[dict[str, str]] = [
    {},
    {"tipo_caso": "reclamo"},
    {"estado": "resuelto"},
    {"criticidad": "critico"},
    {"tipo_caso": "reclamo", "estado": "resuelto"},
    {"tipo_caso": "reclamo", "criticidad": "critico"},
    {"estado": "nuevo", "criticidad": "critico"},
    {"tipo_caso": "reclamo", "criticidad": "mayor", "estado": "resuelto"},
]


class _Neg:
    """Reverses the order of one sort key, so a mixed-direction order is one Python sort."""

    def __init__(self, valor: Any) -> None:
        self.valor = valor

    def __lt__(self, otro: _Neg) -> bool:
        return bool(otro.valor < self.valor)

    def __eq__(self, otro: object) -> bool:
        return isinstance(otro, _Neg) and otro.valor == self.valor


def _neg(valor: Any) -> _Neg:
    return _Neg(valor)


def _casos(api: Api, db: Database) -> None:
    """Seven cases over every criticidad and three states, three of them created the same second."""
    ahora = datetime.now(UTC).replace(microsecond=0)
    tipos = [("reclamo", "critico"), ("reclamo", "mayor"), ("reclamo", "menor"), ("queja", None)]
    for i in range(7):
        tipo, criticidad = tipos[i % len(tipos)]
        extra = {"criticidad": criticidad} if criticidad else {}
        numero = crear_caso(api, tipo_caso=tipo, **extra)
        creado = ahora - timedelta(hours=0 if i < 3 else i)
        with db.transaction() as session:
            session.execute(
                update(Caso)
                .where(Caso.numero_caso == numero)
                .values(
                    estado=("nuevo", "resuelto", "en_investigacion")[i % 3],
                    created_at=creado,
                    updated_at=creado + timedelta(minutes=i % 2),
                )
            )


@pytest.mark.parametrize("orden", list(ORDENES))
def test_cada_orden_pagina_sin_huecos_ni_repetidos(api: Api, db: Database, orden: str) -> None:
    _casos(api, db)
    todos = api.get("/api/casos", params={"orden": orden, "limit": 50}).json()["data"]
    paginas = [
        item
        for page in (1, 2, 3)
        for item in api.get("/api/casos", params={"orden": orden, "limit": 3, "page": page}).json()[
            "data"
        ]
    ]
    assert len(todos) == 7
    assert [c["numero_caso"] for c in paginas] == [c["numero_caso"] for c in todos]
    assert todos == sorted(todos, key=CLAVES[orden])


def _plan(session: Session, sql: str) -> str:
    if session.get_bind().dialect.name == "sqlite":
        return "\n".join(r[3] for r in session.execute(text(f"EXPLAIN QUERY PLAN {sql}")))
    # empty tables: make the planner show the plan it would choose for big ones
    for ajuste in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
        session.execute(text(f"SET LOCAL {ajuste} = off"))
    return "\n".join(r[0] for r in session.execute(text(f"EXPLAIN {sql}")))


@pytest.mark.parametrize("orden", list(ORDENES))
def test_los_numeros_de_una_pagina_salen_de_un_indice_en_orden(db: Database, orden: str) -> None:
    """Without the indexes of migration 0020 a million cases are sorted, or read row by row."""
    filtros = FILTROS if orden in ("-created_at", "created_at") else [{}]
    with db.transaction() as session:
        for filtro in filtros:
            stmt = numeros_en_orden(CasoFilters(**filtro), orden).offset(2450).limit(50)
            sql = str(stmt.compile(session.get_bind(), compile_kwargs={"literal_binds": True}))
            plan = _plan(session, sql)
            assert "INDEX" in plan.upper(), (filtro, plan)
            assert "TEMP B-TREE" not in plan, (filtro, plan)
            assert "Sort" not in plan, (filtro, plan)
            assert "Seq Scan" not in plan, (filtro, plan)
