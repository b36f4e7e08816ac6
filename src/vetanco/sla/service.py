"""Case clocks: SLA deadlines in business hours, paused while waiting on the customer."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from sqlalchemy.orm import Session

from vetanco.casos import historial, repository
from vetanco.casos.enums import ESTADOS_ABIERTOS, TipoCaso
from vetanco.casos.models import Caso
from vetanco.db import utcnow
from vetanco.errors import Conflict, NotFound
from vetanco.politicas import Politicas
from vetanco.sla.models import RelojCaso
from vetanco.sla.schemas import EsperaIn


class TipoReloj(StrEnum):
    primera_respuesta = "primera_respuesta"
    resolucion = "resolucion"
    reporte_regulatorio = "reporte_regulatorio"


class EstadoReloj(StrEnum):
    en_curso = "en_curso"
    en_riesgo = "en_riesgo"
    vencido = "vencido"
    pausado = "pausado"
    cumplido = "cumplido"
    cumplido_tarde = "cumplido_tarde"


SLA = (TipoReloj.primera_respuesta.value, TipoReloj.resolucion.value)


def politica_de(caso: Caso) -> str:
    """Reclamos by criticidad; an unclassified case borrows the suggestion only if a rule fired."""
    tipo, criticidad = caso.tipo_caso, caso.criticidad
    sugerencia = caso.sugerencia
    if tipo == TipoCaso.pendiente_clasificacion.value and sugerencia and sugerencia.razones:
        tipo, criticidad = sugerencia.tipo_caso, sugerencia.criticidad
    if tipo == TipoCaso.reclamo.value:
        return criticidad or "mayor"
    return tipo


def _reloj(caso: Caso, tipo: str) -> RelojCaso | None:
    return next((r for r in caso.relojes if r.tipo == tipo), None)


def _plazos(reloj: RelojCaso, politicas: Politicas) -> None:
    """Deadline and risk instant from the start, the target and the business hours spent paused."""
    cal = politicas.calendario
    riesgo = reloj.objetivo_horas * (1 - politicas.riesgo_fraccion)
    if reloj.habiles:
        reloj.vence = cal.sumar_horas(reloj.inicio, reloj.objetivo_horas + reloj.pausa_horas)
        reloj.riesgo_desde = cal.sumar_horas(reloj.inicio, riesgo + reloj.pausa_horas)
    else:
        reloj.vence = reloj.inicio + timedelta(hours=reloj.objetivo_horas)
        reloj.riesgo_desde = reloj.vence - timedelta(days=politicas.aviso_dias)


def sincronizar(session: Session, *, caso: Caso, politicas: Politicas) -> None:
    """Creates the SLA clocks or re-targets them after a (re)classification."""
    politica = politica_de(caso)
    objetivo = politicas.objetivos[politica]
    horas = {
        TipoReloj.primera_respuesta.value: objetivo.primera_respuesta_horas,
        TipoReloj.resolucion.value: objetivo.resolucion_dias * politicas.calendario.horas_por_dia,
    }
    for tipo in SLA:
        reloj = _reloj(caso, tipo)
        if reloj is None:
            reloj = RelojCaso(caso_id=caso.id, tipo=tipo, inicio=caso.created_at, pausa_horas=0.0)
            session.add(reloj)
            caso.relojes.append(reloj)
        elif reloj.politica == politica:
            continue
        reloj.politica = politica
        reloj.habiles = True
        reloj.objetivo_horas = horas[tipo]
        reloj.updated_at = utcnow()
        if reloj.pausado_desde is None or reloj.vence is None:
            _plazos(reloj, politicas)
    session.flush()


def iniciar_reporte(
    session: Session, *, caso: Caso, dias: int, autoridad: str, politicas: Politicas
) -> RelojCaso:
    """The legal clock runs in calendar days from the date of receipt and is never paused."""
    reloj = _reloj(caso, TipoReloj.reporte_regulatorio.value)
    zona = politicas.calendario.zona
    recibido = caso.created_at.astimezone(zona).date()
    fin = datetime.combine(recibido + timedelta(days=dias + 1), datetime.min.time(), zona)
    horas = (fin - caso.created_at).total_seconds() / 3600
    if reloj is None:
        reloj = RelojCaso(caso_id=caso.id, tipo=TipoReloj.reporte_regulatorio.value)
        session.add(reloj)
        caso.relojes.append(reloj)
    reloj.politica = f"{autoridad}:{dias}d"
    reloj.habiles = False
    reloj.inicio = caso.created_at
    reloj.objetivo_horas = horas
    reloj.pausa_horas = 0.0
    reloj.updated_at = utcnow()
    _plazos(reloj, politicas)
    session.flush()
    return reloj


def quitar_reporte(session: Session, *, caso: Caso) -> None:
    reloj = _reloj(caso, TipoReloj.reporte_regulatorio.value)
    if reloj is not None and reloj.cumplido_at is None:
        caso.relojes.remove(reloj)
        session.delete(reloj)
        session.flush()


def cumplir(caso: Caso, tipo: str, *, at: datetime | None = None) -> bool:
    """Stops a clock once; returns whether it was running."""
    reloj = _reloj(caso, tipo)
    if reloj is None or reloj.cumplido_at is not None:
        return False
    reloj.cumplido_at = at or utcnow()
    reloj.pausado_desde = None
    reloj.updated_at = reloj.cumplido_at
    return True


def primera_respuesta(caso: Caso, *, at: datetime | None = None) -> None:
    """A person acted on the case: the first-response clock stops."""
    momento = at or utcnow()
    if caso.primera_respuesta_at is None:
        caso.primera_respuesta_at = momento
    cumplir(caso, TipoReloj.primera_respuesta.value, at=momento)


def resuelto(caso: Caso, *, at: datetime) -> None:
    primera_respuesta(caso, at=at)
    cumplir(caso, TipoReloj.resolucion.value, at=at)


def reabierto(caso: Caso) -> None:
    """A reopened case owes its resolution again, against the original deadline."""
    reloj = _reloj(caso, TipoReloj.resolucion.value)
    if reloj is not None:
        reloj.cumplido_at = None
        reloj.updated_at = utcnow()


def pausar(caso: Caso, *, at: datetime) -> bool:
    cambiado = False
    for reloj in caso.relojes:
        if reloj.tipo in SLA and reloj.cumplido_at is None and reloj.pausado_desde is None:
            reloj.pausado_desde = at
            reloj.updated_at = at
            cambiado = True
    return cambiado


def reanudar(caso: Caso, *, at: datetime, politicas: Politicas) -> bool:
    """Business hours spent paused push the deadline; so does the risk instant."""
    cambiado = False
    for reloj in caso.relojes:
        if reloj.pausado_desde is None:
            continue
        reloj.pausa_horas += politicas.calendario.horas_habiles(reloj.pausado_desde, at)
        reloj.pausado_desde = None
        reloj.updated_at = at
        _plazos(reloj, politicas)
        cambiado = True
    return cambiado


def pausado(caso: Caso) -> bool:
    return any(r.pausado_desde is not None for r in caso.relojes if r.tipo in SLA)


class Plazo(Protocol):
    """What a clock's state depends on: a RelojCaso, or the row a list reads of one."""

    @property
    def vence(self) -> datetime: ...
    @property
    def riesgo_desde(self) -> datetime: ...
    @property
    def pausado_desde(self) -> datetime | None: ...
    @property
    def cumplido_at(self) -> datetime | None: ...


def estado(reloj: Plazo, *, ahora: datetime | None = None) -> EstadoReloj:
    ahora = ahora or utcnow()
    if reloj.cumplido_at is not None:
        if reloj.cumplido_at <= reloj.vence:
            return EstadoReloj.cumplido
        return EstadoReloj.cumplido_tarde
    if reloj.pausado_desde is not None:
        return EstadoReloj.vencido if reloj.vence <= reloj.pausado_desde else EstadoReloj.pausado
    if ahora >= reloj.vence:
        return EstadoReloj.vencido
    if ahora >= reloj.riesgo_desde:
        return EstadoReloj.en_riesgo
    return EstadoReloj.en_curso


def restante_horas(reloj: RelojCaso, politicas: Politicas, *, ahora: datetime) -> float | None:
    """Hours left (business hours for SLA clocks); negative once overdue."""
    if reloj.cumplido_at is not None:
        return None
    desde = reloj.pausado_desde or ahora
    if not reloj.habiles:
        return round((reloj.vence - desde).total_seconds() / 3600, 2)
    cal = politicas.calendario
    if desde <= reloj.vence:
        return round(cal.horas_habiles(desde, reloj.vence), 2)
    return round(-cal.horas_habiles(reloj.vence, desde), 2)


def esperar(
    session: Session, *, numero_caso: str, data: EsperaIn, actor: str, politicas: Politicas
) -> Caso:
    """Waiting on the customer stops the SLA clocks; the history says who stopped them and why."""
    caso = repository.by_numero(session, numero_caso, for_update=True)
    if caso is None:
        raise NotFound(f"No existe el caso {numero_caso}.")
    if caso.estado not in ESTADOS_ABIERTOS:
        raise Conflict(f"El caso {numero_caso} no está abierto; sus relojes ya no corren.")
    ahora = utcnow()
    if data.esperando_cliente:
        cambiado = pausar(caso, at=ahora)
    else:
        cambiado = reanudar(caso, at=ahora, politicas=politicas)
    if cambiado:
        caso.updated_at = ahora
        historial.registrar(
            session,
            caso=caso,
            accion="sla_pausado" if data.esperando_cliente else "sla_reanudado",
            actor=actor,
            cambios={
                "esperando_cliente": {
                    "antes": not data.esperando_cliente,
                    "despues": data.esperando_cliente,
                }
            },
            motivo=data.motivo,
        )
    session.flush()
    return caso


def cliente_respondio(session: Session, *, caso: Caso, politicas: Politicas) -> None:
    """The customer's own message ends the wait."""
    ahora = utcnow()
    if reanudar(caso, at=ahora, politicas=politicas):
        caso.updated_at = ahora
        historial.registrar(
            session,
            caso=caso,
            accion="sla_reanudado",
            actor="sistema",
            cambios={"esperando_cliente": {"antes": True, "despues": False}},
            motivo="el cliente respondió por WhatsApp",
        )
