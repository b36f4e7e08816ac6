"""Investigation rules: one per case, root cause before completion, every change in the case history."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from vetanco.casos import historial
from vetanco.casos import repository as casos_repository
from vetanco.casos import service as casos_service
from vetanco.casos.enums import Estado
from vetanco.colaboradores.service import exigir_colaborador
from vetanco.db import utcnow
from vetanco.errors import Conflict, NotFound, ValidationFailed
from vetanco.investigaciones import repository
from vetanco.investigaciones.models import Investigacion
from vetanco.investigaciones.schemas import (
    EstadoInvestigacion,
    InvestigacionCreate,
    InvestigacionUpdate,
)
from vetanco.sla import service as relojes
from vetanco.webhooks.events import Evento
from vetanco.webhooks.service import emitir

CAMPOS = (
    "hallazgos",
    "evidencia_recolectada",
    "analisis_laboratorio",
    "causa_raiz",
    "acciones_correctivas",
    "acciones_preventivas",
    "investigador_id",
    "estado",
)


def iniciar(
    session: Session, *, numero_caso: str, data: InvestigacionCreate, actor: str
) -> Investigacion:
    """Starting an investigation moves a new case to en_investigacion."""
    caso = casos_service.obtener(session, numero_caso=numero_caso, for_update=True)
    if caso.investigacion is not None:
        raise Conflict(
            f"El caso {numero_caso} ya tiene una investigación.",
            extra={"investigacion_id": str(caso.investigacion.id)},
        )
    if caso.estado not in (Estado.nuevo.value, Estado.en_investigacion.value):
        raise Conflict(
            f"No se puede iniciar una investigación en un caso '{caso.estado}'; "
            "reabrilo pasándolo a en_investigacion."
        )
    investigador = exigir_colaborador(
        session, colaborador_id=data.investigador_id, loc=["body", "investigador_id"]
    )
    ahora = utcnow()
    inv = Investigacion(
        id=uuid.uuid4(),
        caso_id=caso.id,
        investigador_id=investigador.id,
        estado=EstadoInvestigacion.en_proceso.value,
        fecha_inicio=ahora,
        created_at=ahora,
        updated_at=ahora,
    )
    session.add(inv)
    cambios: dict[str, Any] = {
        "investigacion": {"antes": None, "despues": str(inv.id)},
        "investigador": {"antes": None, "despues": investigador.nombre},
    }
    estado_anterior = caso.estado
    if caso.estado == Estado.nuevo.value:
        cambios["estado"] = {"antes": caso.estado, "despues": Estado.en_investigacion.value}
        caso.estado = Estado.en_investigacion.value
        caso.en_investigacion_at = ahora
    caso.updated_at = ahora
    relojes.primera_respuesta(caso, at=ahora)
    session.flush()
    historial.registrar(
        session,
        caso=caso,
        accion="investigacion_iniciada",
        actor=actor,
        cambios=cambios,
        colaborador_id=investigador.id,
    )
    emitir(
        session,
        evento=Evento.investigacion_iniciada,
        clave=caso.numero_caso,
        data={
            "numero_caso": caso.numero_caso,
            "investigacion_id": inv.id,
            "investigador": investigador.nombre,
            "fecha_inicio": inv.fecha_inicio,
            "estado": inv.estado,
        },
    )
    if caso.estado != estado_anterior:
        casos_service.emitir_cambio_de_estado(session, caso=caso, anterior=estado_anterior)
    session.refresh(inv)
    return inv


def obtener(
    session: Session, *, investigacion_id: uuid.UUID, for_update: bool = False
) -> Investigacion:
    inv = repository.get(session, investigacion_id, for_update=for_update)
    if inv is None:
        raise NotFound(f"No existe la investigación {investigacion_id}.")
    return inv


def actualizar(
    session: Session, *, investigacion_id: uuid.UUID, data: InvestigacionUpdate, actor: str
) -> Investigacion:
    inv = obtener(session, investigacion_id=investigacion_id)
    caso = casos_repository.by_id(session, inv.caso_id, for_update=True)
    assert caso is not None
    if caso.estado == Estado.cerrado.value:
        raise Conflict(f"El caso {caso.numero_caso} está cerrado; su investigación no se modifica.")
    cambios_pedidos = data.model_dump(exclude_unset=True, exclude_none=True)
    if not cambios_pedidos:
        raise ValidationFailed(
            "Enviá al menos un campo para actualizar.",
            details=[{"loc": ["body"], "msg": "sin cambios"}],
        )
    completada = inv.estado == EstadoInvestigacion.completada.value
    if completada and data.estado != EstadoInvestigacion.en_proceso:
        raise Conflict(
            "La investigación está completada; para modificarla enviá estado en_proceso (reapertura)."
        )
    if data.investigador_id:
        exigir_colaborador(
            session, colaborador_id=data.investigador_id, loc=["body", "investigador_id"]
        )
    antes = {f: getattr(inv, f) for f in CAMPOS}
    for field, value in cambios_pedidos.items():
        setattr(inv, field, value.value if isinstance(value, EstadoInvestigacion) else value)
    ahora = utcnow()
    if data.estado == EstadoInvestigacion.completada:
        if not inv.causa_raiz:
            raise ValidationFailed.field(
                ["body", "causa_raiz"],
                "la causa_raiz es obligatoria para completar la investigación",
            )
        inv.fecha_fin = ahora
    elif data.estado == EstadoInvestigacion.en_proceso:
        inv.fecha_fin = None
    inv.updated_at = ahora
    caso.updated_at = ahora
    cambios = historial.diff(antes, {f: getattr(inv, f) for f in CAMPOS})
    session.flush()
    historial.registrar(
        session,
        caso=caso,
        accion="investigacion_actualizada",
        actor=actor,
        cambios={f"investigacion.{k}": v for k, v in cambios.items()},
        colaborador_id=inv.investigador_id,
    )
    emitir(
        session,
        evento=Evento.investigacion_actualizada,
        clave=caso.numero_caso,
        data={
            "numero_caso": caso.numero_caso,
            "investigacion_id": inv.id,
            "estado": inv.estado,
            "campos_actualizados": sorted(cambios),
            "causa_raiz": inv.causa_raiz,
        },
    )
    return inv
