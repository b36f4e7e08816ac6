"""Adverse events: flag the case, keep the VICH GL42 data, run the legal reporting clock."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from vetanco.casos import historial, repository
from vetanco.casos.models import Caso
from vetanco.db import utcnow
from vetanco.errors import Conflict, NotFound
from vetanco.farmacovigilancia.models import EventoAdverso
from vetanco.farmacovigilancia.schemas import (
    DatosEventoAdverso,
    Desenlace,
    EventoAdversoUpdate,
    ReporteRegulatorioIn,
)
from vetanco.politicas import Politicas
from vetanco.sla import service as relojes
from vetanco.triage.clasificador import Sugerencia

CAMPOS_VICH = (
    "especie",
    "animales_tratados",
    "animales_afectados",
    "animales_muertos",
    "dosis",
    "via_administracion",
    "fecha_aplicacion",
    "desenlace",
)
_DATOS = (*CAMPOS_VICH, "observaciones")
FALTA_DE_EFICACIA = "falta_de_eficacia"
EXPOSICION_HUMANA = "exposicion_humana"


def _snapshot(ev: EventoAdverso) -> dict[str, Any]:
    return {
        f: getattr(ev, f)
        for f in (*_DATOS, "grave", "falta_de_eficacia", "exposicion_humana", "autoridad")
    }


def _grave(ev: EventoAdverso) -> bool:
    return bool(
        ev.exposicion_humana
        or (ev.animales_muertos or 0) > 0
        or ev.desenlace in (Desenlace.muerte.value, Desenlace.eutanasia.value)
    )


def marcar(
    session: Session,
    *,
    caso: Caso,
    origen: str,
    politicas: Politicas,
    datos: DatosEventoAdverso | None = None,
    sugerencia: Sugerencia | None = None,
) -> EventoAdverso:
    """Flags the case (once) and merges what is known; seriousness decides the legal clock."""
    ev = caso.evento
    if ev is None:
        ev = EventoAdverso(caso_id=caso.id, origen=origen, created_at=utcnow())
        ev.grave = ev.falta_de_eficacia = ev.exposicion_humana = False
        session.add(ev)
        caso.evento = ev
    if sugerencia is not None:
        reglas = {m.regla for m in sugerencia.razones if m.evento_adverso}
        ev.falta_de_eficacia = ev.falta_de_eficacia or FALTA_DE_EFICACIA in reglas
        ev.exposicion_humana = ev.exposicion_humana or EXPOSICION_HUMANA in reglas
        ev.grave = ev.grave or sugerencia.grave
    if datos is not None:
        for campo in _DATOS:
            valor = getattr(datos, campo)
            if valor is not None:
                setattr(ev, campo, valor.value if hasattr(valor, "value") else valor)
        for flag in ("falta_de_eficacia", "exposicion_humana"):
            if getattr(datos, flag) is not None:
                setattr(ev, flag, getattr(datos, flag))
    ev.grave = (
        datos.grave if datos is not None and datos.grave is not None else ev.grave or _grave(ev)
    )
    ev.updated_at = utcnow()
    caso.evento_adverso = True
    _reloj_regulatorio(session, caso=caso, ev=ev, politicas=politicas)
    session.flush()
    return ev


def _reloj_regulatorio(
    session: Session, *, caso: Caso, ev: EventoAdverso, politicas: Politicas
) -> None:
    if ev.reporte_presentado_at is not None:
        return
    dias = politicas.plazo.dias_grave if ev.grave else politicas.plazo.dias_no_grave
    if dias is None or not caso.evento_adverso:
        relojes.quitar_reporte(session, caso=caso)
        ev.autoridad = None
        return
    ev.autoridad = politicas.autoridad
    relojes.iniciar_reporte(
        session, caso=caso, dias=dias, autoridad=politicas.autoridad, politicas=politicas
    )


def _caso(session: Session, numero_caso: str) -> Caso:
    caso = repository.by_numero(session, numero_caso, for_update=True)
    if caso is None:
        raise NotFound(f"No existe el caso {numero_caso}.")
    return caso


def actualizar(
    session: Session,
    *,
    numero_caso: str,
    data: EventoAdversoUpdate,
    actor: str,
    politicas: Politicas,
) -> Caso:
    """Quality confirms, completes or withdraws the adverse-event flag; the history keeps each step."""
    caso = _caso(session, numero_caso)
    antes = {
        "evento_adverso": caso.evento_adverso,
        **(_snapshot(caso.evento) if caso.evento else {}),
    }
    ev: EventoAdverso | None
    if data.es_evento_adverso:
        ev = marcar(session, caso=caso, origen="manual", datos=data, politicas=politicas)
    else:
        caso.evento_adverso = False
        ev = caso.evento
        if ev is not None:
            _reloj_regulatorio(session, caso=caso, ev=ev, politicas=politicas)
    despues = {"evento_adverso": caso.evento_adverso, **(_snapshot(ev) if ev else {})}
    caso.updated_at = utcnow()
    historial.registrar(
        session,
        caso=caso,
        accion="evento_adverso_actualizado",
        actor=actor,
        cambios=historial.diff(antes, despues),
        motivo=data.motivo,
    )
    session.flush()
    return caso


def presentar_reporte(
    session: Session, *, numero_caso: str, data: ReporteRegulatorioIn, actor: str
) -> Caso:
    """Recording the filing stops the legal clock; it can be recorded once."""
    caso = _caso(session, numero_caso)
    ev = caso.evento
    if ev is None or not caso.evento_adverso:
        raise Conflict(f"El caso {numero_caso} no está marcado como evento adverso.")
    if ev.reporte_presentado_at is not None:
        raise Conflict(
            f"El reporte del caso {numero_caso} ya fue registrado ({ev.reporte_referencia}).",
            extra={"referencia": ev.reporte_referencia},
        )
    momento: datetime = data.presentado_at or utcnow()
    momento = momento.replace(tzinfo=UTC) if momento.tzinfo is None else momento.astimezone(UTC)
    ev.reporte_presentado_at = momento
    ev.reporte_referencia = data.referencia
    ev.autoridad = data.autoridad or ev.autoridad
    ev.updated_at = utcnow()
    relojes.cumplir(caso, relojes.TipoReloj.reporte_regulatorio.value, at=momento)
    historial.registrar(
        session,
        caso=caso,
        accion="reporte_regulatorio_presentado",
        actor=actor,
        cambios=historial.diff(
            {},
            {"autoridad": ev.autoridad, "referencia": data.referencia, "presentado_at": momento},
        ),
    )
    session.flush()
    return caso
