"""Group commit: concurrent webhook requests share one transaction, each answered after it commits."""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from vetanco.db import Database

T = TypeVar("T")
RECIENTE = 0.01  # s: a round older than this says nothing about the current load


@dataclass
class _Cola(Generic[T]):
    pendientes: list[tuple[list[T], asyncio.Future[None]]] = field(default_factory=list)
    tareas: set[asyncio.Task[None]] = field(default_factory=set)
    ultima_ronda: int = 0
    fin_ultima: float = 0.0


class EscrituraAgrupada(Generic[T]):
    """Rows handed in while a commit is running go together in the next one.

    A durable commit (fsync) costs more than the inserts it carries, so one per request caps
    throughput at 1/commit-time; here every caller still waits for the commit that holds its
    rows, so nothing is acknowledged before it is on disk, and a failed round fails all of its
    callers (none is acknowledged, the sender retries, the unique key deduplicates).

    When the last round carried several requests (senders are concurrent), the next one waits
    `espera` for more to join, like PostgreSQL's `commit_delay` with `commit_siblings`: a
    commit's fixed cost (~170 µs of CPU on SQLite) is then shared by 10–30 requests instead of
    3–5. A lone request never waits.

    `simultaneas` rounds may be in flight at once: PostgreSQL commits them in parallel (its own
    group commit shares the fsync), so a durable commit's wait is not paid twice; SQLite has one
    writer and keeps one.
    """

    def __init__(
        self,
        db: Database,
        escribir: Callable[[Session, list[T]], None],
        *,
        maximo: int = 256,
        espera: float = 0.001,
        simultaneas: int = 1,
        al_confirmar: Callable[[int], None] | None = None,
    ) -> None:
        self._db = db
        self._escribir = escribir
        self._maximo = maximo
        self._espera = espera
        self._simultaneas = simultaneas
        self._al_confirmar = al_confirmar
        self._colas: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Cola[T]] = (
            weakref.WeakKeyDictionary()
        )

    async def guardar(self, filas: list[T]) -> None:
        """Returns once `filas` are committed; raises what the round's transaction raised."""
        loop = asyncio.get_running_loop()
        cola = self._colas.get(loop)
        if cola is None:
            cola = self._colas[loop] = _Cola()
        futuro: asyncio.Future[None] = loop.create_future()
        cola.pendientes.append((filas, futuro))
        if len(cola.tareas) < self._simultaneas:
            cola.tareas.add(loop.create_task(self._vaciar(cola)))
        await asyncio.shield(futuro)

    async def _vaciar(self, cola: _Cola[T]) -> None:
        try:
            while cola.pendientes:
                if self._acompanado(cola):
                    await asyncio.sleep(self._espera)
                    if not cola.pendientes:  # a round running beside this one took them
                        continue
                ronda = cola.pendientes[: self._maximo]
                del cola.pendientes[: len(ronda)]
                cola.ultima_ronda = len(ronda)
                filas = [fila for pedido, _ in ronda for fila in pedido]
                try:
                    async with self._db.turno_de_escritura():
                        await run_in_threadpool(self._transaccion, filas)
                except Exception as exc:
                    for _, futuro in ronda:
                        if not futuro.done():
                            futuro.set_exception(exc)
                    continue
                cola.fin_ultima = asyncio.get_running_loop().time()
                for _, futuro in ronda:
                    if not futuro.done():
                        futuro.set_result(None)
                if self._al_confirmar is not None:
                    self._al_confirmar(len(ronda))
        finally:  # leaves the set before any other coroutine runs: none can find it ending
            tarea = asyncio.current_task()
            if tarea is not None:
                cola.tareas.discard(tarea)
            cola.fin_ultima = asyncio.get_running_loop().time()

    def _acompanado(self, cola: _Cola[T]) -> bool:
        """Others are sending too: the last round, just now, carried more than one request."""
        return (
            self._espera > 0
            and cola.ultima_ronda > 1
            and len(cola.pendientes) < self._maximo
            and asyncio.get_running_loop().time() - cola.fin_ultima < RECIENTE
        )

    def _transaccion(self, filas: list[T]) -> None:
        with self._db.transaction() as session:
            self._escribir(session, filas)
