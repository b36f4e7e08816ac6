"""Tasks that mention a case number are linked to it; their status changes go into its history."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from vetanco.casos import historial
from vetanco.casos import repository as casos_repository
from vetanco.reten.models import TareaReten

NUMERO_CASO = re.compile(r"VET-\d{4}-\d{5,}", re.I)


def vincular_por_texto(session: Session, *, tarea: TareaReten, estado_anterior: str | None) -> None:
    if tarea.caso_id is None:
        texto = f"{tarea.title or ''} {tarea.description or ''}"
        match = NUMERO_CASO.search(texto)
        if match:
            with session.no_autoflush:  # the page's pending tasks stay one INSERT batch
                numero = match.group(0).upper()
                caso = casos_repository.by_numero(session, numero, for_update=True)
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
