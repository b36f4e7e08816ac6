"""Reconciling poll: walk GET /tasks page by page into the mirror, resumable, never moving a task back."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import insert, or_, select, text, update
from sqlalchemy.orm import Session

from vetanco.casos.models import Caso
from vetanco.db import Database, utcnow
from vetanco.reten.client import RetenClient, RetenError
from vetanco.reten.models import RetenEstado, TareaReten
from vetanco.reten.monitor import actualizar_modo
from vetanco.reten.vinculos import casos_mencionados, mencionado, vincular_por_texto

T = TypeVar("T")


@dataclass
class Resumen:
    pages: int = 0
    fetched: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: int = 0
    vanished: int = 0
    completed_walk: bool = False

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _ts(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None


def estado(session: Session) -> RetenEstado:
    row = session.get(RetenEstado, 1, with_for_update=True)
    if row is None:
        row = RetenEstado(id=1)
        session.add(row)
        session.flush()
    return row


@dataclass(slots=True)
class Pagina:
    """What one page of the walk reads at once and writes at once."""

    espejo: dict[str, TareaReten]  # the page's tasks already mirrored
    casos: dict[str, Caso]  # the cases its tasks mention
    nuevas: dict[str, dict[str, Any]] = field(default_factory=dict)  # rows for one INSERT

    def escribir(self, session: Session) -> None:
        if self.nuevas:
            session.execute(insert(TareaReten), list(self.nuevas.values()))


def _campos(data: dict[str, Any], incoming: datetime | None) -> dict[str, Any]:
    return {
        "title": data.get("title"),
        "description": data.get("description"),
        "status": data.get("status"),
        "priority": data.get("priority"),
        "assigned_to": data.get("assigned_to"),
        "due_date": _ts(data.get("due_date")),
        "remote_created_at": _ts(data.get("created_at")),
        "remote_updated_at": incoming,
        "raw": dict(data),
        "synced_at": utcnow(),
    }


def _no_es_mas_nueva(incoming: datetime | None, current: datetime | None) -> bool:
    """An older or equal `updated_at` (or none, once we hold one) changes nothing."""
    return current is not None and (incoming is None or incoming <= current)


def aplicar(
    session: Session,
    data: dict[str, Any],
    *,
    walk_id: str | None = None,
    pagina: Pagina | None = None,
) -> str:
    """Upserts one task; an older or equal `updated_at` changes nothing. Returns created/updated/unchanged."""
    # with `pagina` nothing is read per task, and a new task that mentions no case is a row of
    # the page's single INSERT instead of an ORM object (its 13 attribute events were most of a
    # page's time)
    task_id = str(data["id"])
    incoming = _ts(data.get("updated_at"))
    if pagina is not None and (fila := pagina.nuevas.get(task_id)) is not None:
        if _no_es_mas_nueva(incoming, fila["remote_updated_at"]):
            return "unchanged"
        fila.update(_campos(data, incoming))
        return "updated"
    tarea = session.get(TareaReten, task_id) if pagina is None else pagina.espejo.get(task_id)
    if tarea is not None:
        if walk_id:
            tarea.seen_walk = walk_id
        tarea.vanished_at = None
        if _no_es_mas_nueva(incoming, tarea.remote_updated_at):
            return "unchanged"
        outcome = "updated"
    elif pagina is not None and mencionado(data.get("title"), data.get("description")) is None:
        pagina.nuevas[task_id] = {"id": task_id, "seen_walk": walk_id, **_campos(data, incoming)}
        return "created"
    else:
        tarea = TareaReten(id=task_id, raw={})
        session.add(tarea)
        if pagina is not None:
            pagina.espejo[task_id] = tarea
        outcome = "created"
    anterior = tarea.status
    for campo, valor in _campos(data, incoming).items():
        setattr(tarea, campo, valor)
    tarea.seen_walk = walk_id or tarea.seen_walk
    if pagina is None:
        session.flush()
    vincular_por_texto(
        session,
        tarea=tarea,
        estado_anterior=anterior if outcome == "updated" else None,
        casos=pagina.casos if pagina is not None else None,
    )
    return outcome


def sincronizar(
    db: Database,
    client: RetenClient,
    *,
    full: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Resumen:
    """One reconcile. Resumes an interrupted walk from its checkpoint; only a completed full walk marks vanished tasks."""
    pasos = list(recorrer(db, client, full=full, progress=progress))
    return pasos[-1] if pasos else Resumen()


def recorrer(
    db: Database,
    client: RetenClient,
    *,
    full: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[Resumen]:
    """The walk one page at a time, so a background worker can interleave it with other work."""
    resumen = Resumen()
    with db.transaction() as session:
        st = estado(session)
        if full or st.checkpoint_page is None or st.walk_id is None:
            st.walk_id = uuid.uuid4().hex
            st.walk_started_at = utcnow()
            st.checkpoint_page = 1
            st.walk_full = True
        walk_id, start = st.walk_id, st.checkpoint_page or 1
    try:
        for page, tasks, pages in _adelantadas(client.iter_pages(start_page=start, limit=100)):
            with db.transaction() as session:
                _planes_frescos(session)
                pagina = Pagina(_espejo(session, tasks), casos_mencionados(session, tasks))
                for data in tasks:
                    outcome = aplicar(session, data, walk_id=walk_id, pagina=pagina)
                    setattr(resumen, outcome, getattr(resumen, outcome) + 1)
                pagina.escribir(session)
                estado(session).checkpoint_page = page + 1
            resumen.pages += 1
            resumen.fetched += len(tasks)
            if progress:
                progress(page, pages)
            yield resumen
        _marcar_desaparecidas(db, client, walk_id=walk_id, resumen=resumen)
    except RetenError:
        resumen.errors += 1
        yield resumen
        return
    with db.transaction() as session:
        st = estado(session)
        now = utcnow()
        if st.walk_full:
            st.last_full_walk_at = now
            actualizar_modo(st, perdidos=resumen.created + resumen.updated)
        st.checkpoint_page = None
        st.walk_id = None
        st.walk_full = None
        st.last_poll_at = now
    resumen.completed_walk = True
    yield resumen


def _adelantadas(pages: Iterator[T]) -> Iterator[T]:
    """The next page is fetched (and any rate-limit wait spent) while this one is applied."""
    pool = ThreadPoolExecutor(1, thread_name_prefix="reten-paginas")
    try:
        siguiente = pool.submit(next, pages, None)
        while (item := siguiente.result()) is not None:
            siguiente = pool.submit(next, pages, None)
            yield item
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _planes_frescos(session: Session) -> None:
    """On PostgreSQL the page's statements are planned anew: the mirror may grow from empty."""
    # a plan the driver prepared at 500 rows (a sequential scan) would still run at 100 000
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))


def _espejo(session: Session, tasks: list[dict[str, Any]]) -> dict[str, TareaReten]:
    """The page's tasks already in the mirror, in one query instead of one per task."""
    ids = [str(t["id"]) for t in tasks]
    return {t.id: t for t in session.scalars(select(TareaReten).where(TareaReten.id.in_(ids)))}


def _marcar_desaparecidas(
    db: Database, client: RetenClient, *, walk_id: str, resumen: Resumen
) -> None:
    """Pages shift when tasks are deleted mid-walk, so each unseen task is confirmed with GET before it is marked."""
    with db.transaction(write=False) as session:
        st = session.get(RetenEstado, 1)
        if st is None or not st.walk_full:
            return
        unseen = list(
            session.scalars(
                select(TareaReten.id).where(
                    or_(TareaReten.seen_walk.is_(None), TareaReten.seen_walk != walk_id),
                    TareaReten.vanished_at.is_(None),
                )
            )
        )
    for task_id in unseen:
        data = client.get_task(task_id)
        with db.transaction() as session:
            if data is None:
                session.execute(
                    update(TareaReten).where(TareaReten.id == task_id).values(vanished_at=utcnow())
                )
                resumen.vanished += 1
            else:
                outcome = aplicar(session, data, walk_id=walk_id)
                setattr(resumen, outcome, getattr(resumen, outcome) + 1)


def tareas(session: Session, **filters: Any) -> list[TareaReten]:
    stmt = select(TareaReten).order_by(TareaReten.id)
    for nombre, value in filters.items():
        if value is not None:
            stmt = stmt.where(getattr(TareaReten, nombre) == value)
    return list(session.scalars(stmt))
