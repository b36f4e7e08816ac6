"""What we owe Reten: when a case is resolved or closed, its open linked tasks are completed there."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from vetanco.casos.models import Caso
from vetanco.db import after_commit, utcnow
from vetanco.reten.models import RetenAccion, TareaReten
from vetanco.wake import wake_dispatcher

ABIERTAS = ("pending", "in_progress")


def completar_tareas_del_caso(session: Session, *, caso: Caso) -> int:
    """Queued in the case's transaction; the worker PATCHes after commit, with retries."""
    if caso.estado not in ("resuelto", "cerrado"):
        return 0
    tareas = session.scalars(
        select(TareaReten).where(
            TareaReten.caso_id == caso.id,
            TareaReten.status.in_(ABIERTAS),
            TareaReten.vanished_at.is_(None),
        )
    ).all()
    motivo = caso.resolucion or caso.estado
    for tarea in tareas:
        session.add(
            RetenAccion(
                task_id=tarea.id,
                caso_id=caso.id,
                body={
                    "status": "completed",
                    "notes": f"Caso {caso.numero_caso} {caso.estado}: {motivo}"[:2000],
                },
                estado="pendiente",
                intentos=0,
                created_at=utcnow(),
            )
        )
    if tareas:
        session.flush()
        after_commit(session, wake_dispatcher)
    return len(tareas)
