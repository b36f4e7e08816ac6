"""Group commit: rows that arrive during a commit share the next one; nobody hears back early."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vetanco.agrupado import EscrituraAgrupada
from vetanco.db import Database
from vetanco.productos.models import Producto


class Registro:
    """An `escribir` that records each round and can hold the first one open."""

    def __init__(self, *, falla_en: int | None = None) -> None:
        self.rondas: list[list[int]] = []
        self.confirmadas: list[int] = []
        self.primera_abierta = threading.Event()
        self.soltar = threading.Event()
        self.falla_en = falla_en

    def escribir(self, _session: Session, filas: list[int]) -> None:
        self.rondas.append(list(filas))
        if len(self.rondas) == 1:
            self.primera_abierta.set()
            assert self.soltar.wait(10)
        if self.falla_en == len(self.rondas):
            raise RuntimeError("la base se cayó")


async def _esperar(evento: threading.Event) -> None:
    while not evento.is_set():
        await asyncio.sleep(0.001)


async def _pedido(
    escritura: EscrituraAgrupada[int], filas: list[int], respondidos: list[Any]
) -> None:
    try:
        await escritura.guardar(filas)
    except RuntimeError as exc:
        respondidos.append((filas[0], str(exc)))
    else:
        respondidos.append(filas[0])


def test_rows_arriving_during_a_commit_share_the_next_one(db: Database) -> None:
    registro = Registro()
    por_commit: list[int] = []
    escritura = EscrituraAgrupada(db, registro.escribir, al_confirmar=por_commit.append)
    respondidos: list[Any] = []

    async def escenario() -> None:
        primero = asyncio.create_task(_pedido(escritura, [0], respondidos))
        await _esperar(registro.primera_abierta)
        resto = [asyncio.create_task(_pedido(escritura, [i, -i], respondidos)) for i in (1, 2, 3)]
        await asyncio.sleep(0.05)
        assert respondidos == []  # the first round has not committed: nobody is answered
        registro.soltar.set()
        await asyncio.gather(primero, *resto)

    asyncio.run(escenario())
    assert registro.rondas == [[0], [1, -1, 2, -2, 3, -3]]
    assert por_commit == [1, 3]
    assert sorted(respondidos) == [0, 1, 2, 3]


def test_a_failed_round_fails_each_of_its_callers_and_the_next_round_still_runs(
    db: Database,
) -> None:
    registro = Registro(falla_en=2)
    escritura = EscrituraAgrupada(db, registro.escribir)
    respondidos: list[Any] = []

    async def escenario() -> None:
        primero = asyncio.create_task(_pedido(escritura, [0], respondidos))
        await _esperar(registro.primera_abierta)
        fallan = [asyncio.create_task(_pedido(escritura, [i], respondidos)) for i in (1, 2)]
        await asyncio.sleep(0.05)
        registro.soltar.set()
        await asyncio.gather(primero, *fallan)
        await _pedido(escritura, [9], respondidos)

    asyncio.run(escenario())
    assert registro.rondas == [[0], [1, 2], [9]]
    assert set(respondidos) == {0, (1, "la base se cayó"), (2, "la base se cayó"), 9}


def test_an_error_rolls_the_whole_round_back(db: Database) -> None:
    def escribir(session: Session, filas: list[str]) -> None:
        session.add_all(Producto(nombre=nombre, clave=nombre) for nombre in filas)
        session.flush()
        raise RuntimeError("después de insertar")

    escritura = EscrituraAgrupada(db, escribir)
    with pytest.raises(RuntimeError):
        asyncio.run(escritura.guardar(["Vetancilina", "Ivermectina"]))
    with db.transaction(write=False) as session:
        assert session.scalar(select(func.count()).select_from(Producto)) == 0


def test_after_a_crowded_round_the_next_one_waits_for_company_and_a_lone_request_never_does(
    db: Database,
) -> None:
    registro = Registro()
    escritura = EscrituraAgrupada(db, registro.escribir, espera=2.0)
    respondidos: list[Any] = []

    async def escenario() -> None:
        primero = asyncio.create_task(_pedido(escritura, [0], respondidos))
        await _esperar(registro.primera_abierta)
        juntos = [asyncio.create_task(_pedido(escritura, [i], respondidos)) for i in (1, 2)]
        await asyncio.sleep(0.05)
        registro.soltar.set()
        await asyncio.gather(primero, *juntos)
        tercero = asyncio.create_task(_pedido(escritura, [3], respondidos))
        await asyncio.sleep(0.1)
        await asyncio.gather(tercero, _pedido(escritura, [4], respondidos))

    asyncio.run(escenario())
    assert registro.rondas == [[0], [1, 2], [3, 4]]  # 4 came 0.1 s after 3 and still joined it

    solo: EscrituraAgrupada[int] = EscrituraAgrupada(db, lambda _s, _f: None, espera=30.0)
    solo_registro: list[Any] = []
    asyncio.run(asyncio.wait_for(_pedido(solo, [7], solo_registro), timeout=10))
    assert solo_registro == [7]


def test_two_rounds_in_flight_where_the_database_commits_in_parallel(db: Database) -> None:
    registro = Registro()
    escritura = EscrituraAgrupada(db, registro.escribir, simultaneas=2)
    respondidos: list[Any] = []

    async def escenario() -> None:
        primero = asyncio.create_task(_pedido(escritura, [0], respondidos))
        await _esperar(registro.primera_abierta)
        segundo = asyncio.create_task(_pedido(escritura, [1], respondidos))
        if db.is_sqlite:  # one writer: the second round waits for the first's turn
            await asyncio.sleep(0.1)
            assert registro.rondas == [[0]]
        else:
            await asyncio.wait_for(segundo, timeout=10)  # committed while the first is open
            assert respondidos == [1]
        registro.soltar.set()
        await asyncio.gather(primero, segundo)

    asyncio.run(escenario())
    assert registro.rondas == [[0], [1]]
    assert sorted(respondidos) == [0, 1]
