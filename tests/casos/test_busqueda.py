"""Free-text search: accents and case ignored, substrings of story, number, product and lot, indexed."""

from __future__ import annotations

from sqlalchemy import select, text, update

from tests.conftest import Api
from tests.factories import crear_caso
from vetanco.casos.models import Caso
from vetanco.casos.repository import CasoFilters
from vetanco.db import Database


def _buscar(api: Api, q: str) -> list[str]:
    response = api.get("/api/casos", params={"q": q, "limit": 100})
    assert response.status_code == 200, response.text
    return [c["numero_caso"] for c in response.json()["data"]]


def test_sin_acentos_ni_mayusculas_y_por_subcadena(api: Api) -> None:
    uno = crear_caso(
        api,
        descripcion={"que_sucedio": "Los terneros tuvieron reacción después de la aplicación"},
        producto={"nombre_producto": "Vetancilína Plus", "numero_lote": "ABC123"},
    )
    otro = crear_caso(api, descripcion={"que_sucedio": "La caja llegó golpeada"})
    assert _buscar(api, "REACCION") == [uno]
    assert _buscar(api, "reacción después") == [uno]
    assert _buscar(api, "vetancilina plus") == [uno]
    assert _buscar(api, "bc12") == [uno]
    assert _buscar(api, "golpead") == [otro]
    assert _buscar(api, uno[-5:]) == [uno]
    assert set(_buscar(api, "ab")) == {uno, otro}
    assert _buscar(api, "zq") == []
    assert _buscar(api, '"') == []
    assert _buscar(api, "inexistente") == []


def test_un_cambio_del_relato_se_busca_enseguida(api: Api, db: Database) -> None:
    numero = crear_caso(api, descripcion={"que_sucedio": "Frasco con particulas"})
    with db.transaction() as session:
        caso = session.scalars(select(Caso).where(Caso.numero_caso == numero)).one()
        caso.que_sucedio = "Frasco con sedimento oscuro"
    assert _buscar(api, "sedimento") == [numero]
    assert _buscar(api, "particulas") == []


def test_sqlite_usa_el_indice_trigram(api: Api, db: Database) -> None:
    crear_caso(api, descripcion={"que_sucedio": "Diarrea en lechones"})
    with db.transaction(write=False) as session:
        if not db.is_sqlite:
            indices = session.execute(
                text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_casos_busqueda_trgm'")
            ).scalar_one()
            assert "gin_trgm_ops" in indices
            return
        stmt = CasoFilters(q="lechones").apply(select(Caso.id))
        sql = str(stmt.compile(session.get_bind(), compile_kwargs={"literal_binds": True}))
        plan = " ".join(str(r) for r in session.execute(text(f"EXPLAIN QUERY PLAN {sql}")))
    assert "casos_fts VIRTUAL TABLE INDEX" in plan


def test_masivo_por_sql_tambien_reindexa(api: Api, db: Database) -> None:
    numero = crear_caso(api, descripcion={"que_sucedio": "Texto original"})
    with db.transaction() as session:
        session.execute(
            update(Caso).where(Caso.numero_caso == numero).values(busqueda="otro texto")
        )
    assert _buscar(api, "otro texto") == [numero]
