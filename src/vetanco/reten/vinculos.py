"""Tasks that mention a case number are linked to it; their status changes go into its history."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from vetanco.casos import historial
from vetanco.casos import repository as casos_repository
from vetanco.casos.models import Caso
from vetanco.reten.models import TareaReten

NUMERO_CASO = re.compile(r"VET-\d{4}-\d{5,}", re.I)


def mencionado(title: str | None, description: str | None) -> str | None:
    """The case number a task's text mentions, if any."""
    match = NUMERO_CASO.search(f"{title or ''} {description or ''}")
    return match.group(0).upper() if match else None


def casos_mencionados(session: Session, tasks: Iterable[dict[str, Any]]) -> dict[str, Caso]:
    """The cases a page of tasks mentions, locked, in one query (one per task was ~5 % of a
    100 000-task sync: one task in twenty follows up a complaint)."""
    numeros = {n for t in tasks if (n := mencionado(t.get("title"), t.get("description")))}
    if not numeros:
        return {}
    with session.no_autoflush:
        return casos_repository.by_numeros(session, numeros, for_update=True)


def vincular_por_texto(
    session: Session,
    *,
    tarea: TareaReten,
    estado_anterior: str | None,
    casos: dict[str, Caso] | None = None,
) -> None:
    """With `casos` (from casos_mencionados for the task's page) the case is not looked up again."""
    if tarea.caso_id is None:
        numero = mencionado(tarea.title, tarea.description)
        if numero:
            with session.no_autoflush:  # the page's pending tasks stay one INSERT batch
                caso = (
                    casos.get(numero)
                    if casos is not None
                    else casos_repository.by_numero(session, numero, for_update=True)
                )
            if caso is not None:
                tarea.caso_id = caso.id
                historial.registrar(
                    session,
                    caso=caso,
                    accion="tarea_reten_vinculada",
                    actor="reten",
                    cambios={"tarea_reten": {"antes": None, "despues": tarea.id}},
                    motivo="la tarea menciona el número de caso",
                )
                return
    if (
        tarea.caso_id is not None
        and estado_anterior is not None
        and estado_anterior != tarea.status
    ):
        caso = casos_repository.by_id(session, tarea.caso_id, for_update=True)
        if caso is not None:
            historial.registrar(
                session,
                caso=caso,
                accion="tarea_reten_actualizada",
                actor="reten",
                cambios={
                    f"tarea_reten.{tarea.id}.status": {
                        "antes": estado_anterior,
                        "despues": tarea.status,
                    }
                },
            )
