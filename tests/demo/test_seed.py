"""`vetanco demo seed`: realistic cases that the API, the audit trail and the statistics accept."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from tests.conftest import Api
from tests.factories import crear_caso
from vetanco.casos.historial import verificar
from vetanco.casos.models import Caso, ProductoAfectado, SecuenciaCaso
from vetanco.cli import app as cli
from vetanco.config import get_settings
from vetanco.db import Database
from vetanco.estadisticas import acumulado
from vetanco.estadisticas.models import ResumenPendiente
from vetanco.politicas import Politicas
from vetanco.sla.models import RelojCaso

N = 400


@pytest.fixture
def sembrado(api: Api, db: Database, monkeypatch: pytest.MonkeyPatch) -> Api:
    monkeypatch.setenv("VETANCO_DATABASE_URL", db.url)
    get_settings.cache_clear()
    result = CliRunner().invoke(cli, ["demo", "seed", "--casos", str(N), "--lote", "150"])
    get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert re.search(rf"{N} casos en [\d.]+ s", result.output)
    return api


def test_numeros_sin_huecos_por_anio_y_secuencia_al_dia(sembrado: Api, db: Database) -> None:
    with db.transaction(write=False) as session:
        numeros = session.scalars(select(Caso.numero_caso)).all()
        ultimos = {s.anio: s.ultimo for s in session.scalars(select(SecuenciaCaso))}
    assert len(numeros) == N
    por_anio: dict[int, list[int]] = defaultdict(list)
    for numero in numeros:
        _, anio, n = numero.split("-")
        por_anio[int(anio)].append(int(n))
    assert len(por_anio) >= 3
    for anio, ns in por_anio.items():
        assert sorted(ns) == list(range(1, len(ns) + 1))
        assert ultimos[anio] == len(ns)
    nuevo = crear_caso(sembrado)
    anio_actual = max(por_anio)
    assert nuevo == f"VET-{anio_actual}-{len(por_anio[anio_actual]) + 1:05d}"


def test_historial_integro_y_relojes(sembrado: Api, db: Database) -> None:
    with db.transaction(write=False) as session:
        revisadas, problemas = verificar(session)
        relojes = session.scalar(select(func.count()).select_from(RelojCaso))
    assert problemas == []
    assert revisadas >= N
    assert relojes == 2 * N


def test_api_y_estadisticas_sobre_lo_sembrado(sembrado: Api, db: Database) -> None:
    lista = sembrado.get("/api/casos", params={"limit": 5}).json()
    assert lista["pagination"]["total"] == N
    numero = lista["data"][0]["numero_caso"]
    detalle = sembrado.get(f"/api/casos/{numero}")
    assert detalle.status_code == 200
    assert sembrado.get(f"/api/casos/{numero}/historial").status_code == 200
    with db.transaction(write=False) as session:
        assert session.scalar(select(func.count()).select_from(ResumenPendiente)) == 0
    sembradas = sembrado.get("/api/estadisticas").json()
    assert sembradas["totales"]["total_casos"] == N
    assert sembradas["productos_con_mas_reclamos"]
    assert sembradas["sla"]["primera_respuesta"]["cumplidos"] > 0
    with db.transaction() as session:
        acumulado.recalcular(session, dias=acumulado.todos_los_dias(session))
    assert sembrado.get("/api/estadisticas").json() == sembradas


def test_la_busqueda_encuentra_lo_sembrado_y_lo_que_se_crea_despues(
    sembrado: Api, db: Database
) -> None:
    """The seed fills the search index in bulk (SQLite: without its trigger for a moment); the
    seeded cases are found, and so is a case created afterwards, through the trigger."""
    with db.transaction(write=False) as session:
        numero, lote = session.execute(
            select(Caso.numero_caso, ProductoAfectado.numero_lote)
            .join(ProductoAfectado, ProductoAfectado.caso_id == Caso.id)
            .order_by(Caso.created_at)
            .limit(1)
        ).one()
    encontrados = sembrado.get("/api/casos", params={"q": lote, "limit": 100}).json()["data"]
    assert numero in [c["numero_caso"] for c in encontrados]
    nuevo = crear_caso(sembrado, descripcion={"que_sucedio": "Frasco con grumos violetas"})
    assert [
        c["numero_caso"] for c in sembrado.get("/api/casos?q=grumos violetas").json()["data"]
    ] == [nuevo]


def test_relojes_vencen_en_horas_habiles_exactas(sembrado: Api, db: Database) -> None:
    calendario = Politicas.desde(get_settings()).calendario
    with db.transaction(write=False) as session:
        relojes = session.scalars(select(RelojCaso).order_by(RelojCaso.inicio).limit(200)).all()
    for reloj in relojes:
        assert reloj.vence == calendario.sumar_horas(reloj.inicio, reloj.objetivo_horas)
