"""Classifying a case, by a person or by triage; both leave the same trail and events."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vetanco.casos import historial
from vetanco.casos.enums import TipoCaso
from vetanco.casos.models import Caso, Clasificacion
from vetanco.db import utcnow
from vetanco.farmacovigilancia import service as farmacovigilancia
from vetanco.farmacovigilancia.schemas import DatosEventoAdverso
from vetanco.politicas import Politicas
from vetanco.senales import service as senales
from vetanco.sla import service as relojes
from vetanco.triage import service as triage
from vetanco.webhooks.events import Evento
from vetanco.webhooks.service import emitir

SISTEMA = "sistema"
CAMPOS = ("tipo_caso", "criticidad", "justificacion")


def _snapshot(caso: Caso) -> dict[str, Any]:
    return {f: getattr(caso, f) for f in CAMPOS}


def aplicar(
    session: Session,
    *,
    caso: Caso,
    tipo_caso: str,
    criticidad: str | None,
    justificacion: str,
    motivo: str | None,
    actor: str,
    politicas: Politicas,
    evidencias: str | None = None,
    clasificado_por: uuid.UUID | None = None,
) -> Clasificacion:
    """Records the decision, re-targets the SLA and, when a person decided, stops first response."""
    antes = _snapshot(caso)
    ahora = utcnow()
    caso.tipo_caso = tipo_caso
    caso.criticidad = criticidad
    caso.justificacion = justificacion
    caso.clasificado_at = ahora
    caso.updated_at = ahora
    registro = Clasificacion(
        caso_id=caso.id,
        tipo_caso_anterior=antes["tipo_caso"],
        tipo_caso=tipo_caso,
        criticidad=criticidad,
        justificacion=justificacion,
        motivo=motivo,
        evidencias=evidencias,
        clasificado_por=clasificado_por,
        actor=actor,
        created_at=ahora,
    )
    session.add(registro)
    cambios = historial.diff(antes, _snapshot(caso))
    if evidencias:
        cambios["evidencias"] = {"antes": None, "despues": evidencias}
    historial.registrar(
        session,
        caso=caso,
        accion="clasificado",
        actor=actor,
        cambios=cambios,
        motivo=motivo,
        colaborador_id=clasificado_por,
    )
    emitir(
        session,
        evento=Evento.caso_clasificado,
        clave=caso.numero_caso,
        data={
            "numero_caso": caso.numero_caso,
            "tipo_caso_anterior": antes["tipo_caso"],
            "tipo_caso_nuevo": caso.tipo_caso,
            "criticidad": caso.criticidad,
            "justificacion": caso.justificacion,
        },
    )
    relojes.sincronizar(session, caso=caso, politicas=politicas)
    if actor != SISTEMA:
        relojes.primera_respuesta(caso, at=ahora)
    senales.evaluar_caso(session, caso=caso, politicas=politicas)
    return registro


def decidida_por_persona(session: Session, *, caso: Caso) -> bool:
    """Whether the current classification came from a person (then changing it needs a motivo)."""
    if caso.tipo_caso == TipoCaso.pendiente_clasificacion.value:
        return False
    ultima = session.scalars(
        select(Clasificacion.actor)
        .where(Clasificacion.caso_id == caso.id)
        .order_by(Clasificacion.created_at.desc())
        .limit(1)
    ).first()
    return ultima != SISTEMA


def triage_inicial(
    session: Session,
    *,
    caso: Caso,
    politicas: Politicas,
    datos_evento: DatosEventoAdverso | None,
    origen_evento: str,
) -> None:
    """Suggests a class for every new case, applies it above the threshold, screens for adverse events."""
    sugerencia = triage.evaluar(session, caso=caso, politicas=politicas)
    aplicada = (
        caso.tipo_caso == TipoCaso.pendiente_clasificacion.value
        and triage.aplicable(sugerencia, politicas)
        and caso.sugerencia is not None
    )
    if aplicada:
        aplicar(
            session,
            caso=caso,
            tipo_caso=sugerencia.tipo_caso,
            criticidad=sugerencia.criticidad,
            justificacion="pendiente_investigacion",
            motivo=triage.motivo(sugerencia),
            actor=SISTEMA,
            politicas=politicas,
        )
        assert caso.sugerencia is not None
        caso.sugerencia.aplicada = True
    else:
        senales.evaluar_caso(session, caso=caso, politicas=politicas)  # aplicar() already did
    relojes.sincronizar(session, caso=caso, politicas=politicas)
    if sugerencia.evento_adverso or datos_evento is not None:
        farmacovigilancia.marcar(
            session,
            caso=caso,
            origen=origen_evento if datos_evento is not None else "triage",
            datos=datos_evento,
            sugerencia=sugerencia if sugerencia.evento_adverso else None,
            politicas=politicas,
        )
