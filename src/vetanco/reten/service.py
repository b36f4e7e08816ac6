"""Reads over the mirror and the connector's status."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vetanco.casos.models import Caso
from vetanco.config import Settings
from vetanco.errors import NotFound
from vetanco.reten.metrics import PROCESS_METRICS
from vetanco.reten.models import RetenEstado, TareaReten
from vetanco.reten.monitor import alertas_activas
from vetanco.reten.schemas import RetenEstadoRead, TareaList, TareaRead
from vetanco.schemas import Pagination


def _read(tarea: TareaReten, numero: str | None) -> TareaRead:
    return TareaRead.model_validate(
        {
            **{c: getattr(tarea, c) for c in TareaRead.model_fields if c != "numero_caso"},
            "numero_caso": numero,
        }
    )


def listar_tareas(
    session: Session,
    *,
    status: str | None,
    assigned_to: str | None,
    priority: str | None,
    due_desde: datetime | None,
    due_hasta: datetime | None,
    numero_caso: str | None,
    page: int,
    limit: int,
) -> TareaList:
    stmt = select(TareaReten, Caso.numero_caso).outerjoin(Caso, Caso.id == TareaReten.caso_id)
    for column, value in (
        (TareaReten.status, status),
        (TareaReten.assigned_to, assigned_to),
        (TareaReten.priority, priority),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    if due_desde is not None:
        stmt = stmt.where(TareaReten.due_date >= due_desde)
    if due_hasta is not None:
        stmt = stmt.where(TareaReten.due_date < due_hasta)
    if numero_caso is not None:
        stmt = stmt.where(Caso.numero_caso == numero_caso)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.execute(
        stmt.order_by(TareaReten.id).offset((page - 1) * limit).limit(limit)
    ).all()
    return TareaList(
        data=[_read(t, n) for t, n in rows],
        pagination=Pagination.of(total=total, page=page, limit=limit),
    )


def obtener_tarea(session: Session, *, task_id: str) -> TareaRead:
    row = session.execute(
        select(TareaReten, Caso.numero_caso)
        .outerjoin(Caso, Caso.id == TareaReten.caso_id)
        .where(TareaReten.id == task_id)
    ).first()
    if row is None:
        raise NotFound(f"No hay una tarea {task_id} en el espejo de Reten.")
    return _read(row[0], row[1])


def estado_conector(session: Session, *, settings: Settings) -> RetenEstadoRead:
    st = session.get(RetenEstado, 1)
    count = (
        session.scalar(
            select(func.count()).select_from(TareaReten).where(TareaReten.vanished_at.is_(None))
        )
        or 0
    )
    kpis: dict[str, Any] = PROCESS_METRICS.summary()
    if not settings.reten_enabled:
        modo, mensaje = (
            "apagado",
            "Conector Reten apagado: definí VETANCO_RETEN_BASE_URL para activarlo.",
        )
    else:
        modo, mensaje = (
            "polling",
            f"Reconciliación periódica cada {settings.reten_poll_interval:.0f} s.",
        )
    return RetenEstadoRead(
        modo=modo,
        mensaje=mensaje,
        ultimo_poll=st.last_poll_at if st else None,
        ultima_reconciliacion_completa=st.last_full_walk_at if st else None,
        reconciliacion_en_curso_desde_pagina=st.checkpoint_page if st else None,
        tareas_en_espejo=int(count),
        ultimo_webhook=st.last_webhook_at if st else None,
        tasa_fallos_webhooks=st.tasa_fallos_webhooks if st else None,
        alertas=alertas_activas(session),
        kpis=kpis,
    )


def vincular_a_mano(session: Session, *, numero_caso: str, task_id: str, actor: str) -> TareaRead:
    """Links a mirrored task to a case by hand; the link goes into the case history."""
    from vetanco.casos import historial
    from vetanco.casos import service as casos_service
    from vetanco.errors import Conflict

    caso = casos_service.obtener(session, numero_caso=numero_caso, for_update=True)
    tarea = session.get(TareaReten, task_id)
    if tarea is None:
        raise NotFound(f"No hay una tarea {task_id} en el espejo de Reten; sincronizá primero.")
    if tarea.caso_id is not None and tarea.caso_id != caso.id:
        raise Conflict(f"La tarea {task_id} ya está vinculada a otro caso.")
    if tarea.caso_id is None:
        tarea.caso_id = caso.id
        session.flush()
        historial.registrar(
            session,
            caso=caso,
            accion="tarea_reten_vinculada",
            actor=actor,
            cambios={"tarea_reten": {"antes": None, "despues": task_id}},
            motivo="vinculada a mano",
        )
    return _read(tarea, caso.numero_caso)


def tareas_de_caso(session: Session, *, numero_caso: str) -> TareaList:
    return listar_tareas(
        session,
        status=None,
        assigned_to=None,
        priority=None,
        due_desde=None,
        due_hasta=None,
        numero_caso=numero_caso,
        page=1,
        limit=100,
    )
