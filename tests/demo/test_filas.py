"""The seed's shortcuts give exactly what the slow, general code gives: deadlines, folded text,
audit hashes, and the stored form of every value written past the ORM."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import insert, select, text

from tests.conftest import Api
from tests.factories import crear_caso
from vetanco.casos.historial import digest
from vetanco.casos.models import Caso, HistorialCaso, ProductoAfectado
from vetanco.config import Settings
from vetanco.db import Database
from vetanco.demo import datos
from vetanco.demo.escritura import escribir
from vetanco.demo.filas import Historial, Plegado, id_ordenado
from vetanco.demo.plazos import Plazos
from vetanco.politicas import Politicas
from vetanco.sla.models import RelojCaso
from vetanco.text import fingerprint, fold

CALENDARIO = Politicas.desde(Settings(_env_file=None)).calendario  # type: ignore[call-arg]


def test_plazos_iguales_al_calendario() -> None:
    """Weekends, holidays (Christmas, 9 July), nights, the very opening and closing instants."""
    plazos = Plazos(CALENDARIO, desde=date(2024, 1, 1), hasta=date(2026, 12, 31))
    rng = random.Random(3)
    inicio = datetime(2024, 1, 1, tzinfo=UTC)
    instantes = [inicio + timedelta(minutes=rng.randint(0, 3 * 365 * 24 * 60)) for _ in range(3000)]
    instantes += [
        datetime(2024, 12, 24, 21, 0, tzinfo=UTC),  # 18:00 in Buenos Aires, before Christmas
        datetime(2025, 7, 8, 12, 0, tzinfo=UTC),  # 09:00, the day before a holiday
        datetime(2025, 3, 14, 20, 59, 59, 999999, tzinfo=UTC),
        datetime(2023, 12, 30, 12, 0, tzinfo=UTC),  # before the listed period
        datetime(2026, 12, 30, 12, 0, tzinfo=UTC),  # deadline past it
    ]
    for desde in instantes:
        for horas in (0.5, 1, 4, 8.9, 9, 24, 36, 72.5, 90, 270):
            assert plazos.sumar_horas(desde, horas) == CALENDARIO.sumar_horas(desde, horas), (
                desde,
                horas,
            )


def test_texto_plegado_por_partes_igual_al_plegado_entero() -> None:
    plegado = Plegado()
    lotes = ["ABC123", "ÑRS999", "TVP100"]
    for (tipo, criticidad), plantillas in datos.HISTORIAS.items():
        for plantilla in plantillas:
            for producto, _ in datos.PRODUCTOS:
                for especie in datos.ESPECIES:
                    valores = {"p": producto, "l": lotes[len(especie) % 3], "e": especie, "k": 17}
                    historia, plegada, huella = plegado.historia(plantilla, **valores)
                    assert historia == plantilla.format(**valores), (tipo, criticidad)
                    assert plegada == fold(historia)
                    assert huella == fingerprint(historia)
                    busqueda = plegado.busqueda("VET-2025-00042", plegada, producto, "ÑRS999")
                    assert busqueda == fold(f"VET-2025-00042 {historia} {producto} ÑRS999")


def test_hash_del_historial_igual_al_del_servicio() -> None:
    filas: list[dict[str, Any]] = []
    rng = random.Random(5)
    caso_id = uuid.uuid4()
    historial = Historial(lambda _modelo, fila: filas.append(fila), lambda: uuid.uuid4(), caso_id)
    cuando = datetime(2025, 5, 1, 12, 30, 15, 123456, tzinfo=UTC)
    historial.paso(cuando, "creado", {"numero_caso": {"antes": None, "despues": "VET-2025-00001"}})
    historial.paso(cuando, "clasificado", {"criticidad": {"antes": None, "despues": "crítico"}})
    historial.paso(cuando + timedelta(days=rng.randint(1, 9)), "estado_actualizado", {})
    for fila in filas:
        assert fila["hash"] == digest(fila)


def test_ids_en_orden_de_creacion() -> None:
    rng = random.Random(1)
    momentos = [datetime(2025, 1, 1, tzinfo=UTC) + timedelta(seconds=95 * i) for i in range(50)]
    ids = [id_ordenado(rng, m)() for m in momentos]
    assert ids == sorted(ids)
    assert {i.version for i in ids} == {7}
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize("modelo", [ProductoAfectado, HistorialCaso, RelojCaso])
def test_escribir_guarda_lo_mismo_que_el_orm(api: Api, db: Database, modelo: type[Any]) -> None:
    """Raw rows compared, so on SQLite the stored text of dates, ids, JSON and flags."""
    numero = crear_caso(api)
    with db.transaction(write=False) as session:
        caso_id = session.scalar(select(Caso.id).where(Caso.numero_caso == numero))
    cuando = datetime(2025, 5, 1, 12, 30, 15, 123456, tzinfo=UTC)
    if modelo is ProductoAfectado:
        base: dict[str, Any] = {
            "caso_id": caso_id,
            "nombre_producto": "Vetancilina",
            "producto_clave": "vetancilina",
            "presentacion": None,
            "numero_lote": "ABC123",
            "fecha_vencimiento": date(2027, 3, 1),
            "estado_producto": "usado",
            "cantidad_afectada": 2.5,
            "unidad_medida": "frascos",
        }
        variantes = [{"orden": 1}, {"orden": 2}]
    elif modelo is HistorialCaso:
        base = {
            "caso_id": caso_id,
            "accion": "nota",
            "actor": "demo",
            "colaborador_id": uuid.uuid4(),
            "cambios": {"estado": {"antes": "nuevo", "despues": "cerrado"}, "n": 1},
            "motivo": None,
            "created_at": cuando,
            "hash_anterior": "0" * 64,
            "hash": "1" * 64,
        }
        variantes = [{"secuencia": 90}, {"secuencia": 91}]
    else:
        base = {
            "caso_id": caso_id,
            "politica": "critico",
            "habiles": True,
            "objetivo_horas": 4.0,
            "inicio": cuando,
            "vence": cuando + timedelta(hours=4),
            "riesgo_desde": cuando.replace(microsecond=0),
            "pausa_horas": 0.0,
            "cumplido_at": None,
            "created_at": cuando,
            "updated_at": cuando,
        }
        variantes = [{"tipo": "zz_a"}, {"tipo": "zz_b"}]
    with db.transaction() as session:
        escribir(session, modelo, [{**base, **variantes[0], "id": uuid.uuid4()}])
        session.execute(insert(modelo), [{**base, **variantes[1], "id": uuid.uuid4()}])
    tabla = modelo.__tablename__
    with db.transaction(write=False) as session:
        filas = [
            dict(f._mapping)
            for f in session.execute(
                text(f"SELECT * FROM {tabla} ORDER BY {next(iter(variantes[0]))}")  # noqa: S608
            )
        ][-2:]
    distintas = {"id", *variantes[0]}
    assert {k: v for k, v in filas[0].items() if k not in distintas} == {
        k: v for k, v in filas[1].items() if k not in distintas
    }
