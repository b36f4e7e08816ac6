"""Daily totals: marked stale with every change, recomputed by the worker, read with a live remainder.

Statistics over a period add the stored totals of its whole, up-to-date days to the same grouped
queries run live over the rest (partial days at the edges and days still marked stale), so they
are exact at any moment and cost little however many cases there are.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import chain
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Result,
    and_,
    delete,
    event,
    func,
    insert,
    or_,
    select,
    text,
    true,
    tuple_,
    union_all,
)
from sqlalchemy.orm import ORMExecuteState, Session

from vetanco.casos.models import Caso, ProductoAfectado
from vetanco.db import utcnow
from vetanco.estadisticas import repository as q
from vetanco.estadisticas.models import (
    ResumenCasosDia,
    ResumenLoteDia,
    ResumenPendiente,
    ResumenProductoDia,
    ResumenSlaDia,
)
from vetanco.sla.models import RelojCaso

TOP_CANDIDATOS = 20
TABLAS: tuple[type[Any], ...] = (ResumenCasosDia, ResumenProductoDia, ResumenLoteDia, ResumenSlaDia)


def _dialecto(session: Session) -> str:
    return session.get_bind().dialect.name


@event.listens_for(Session, "before_flush")
def _marcar_cambios(session: Session, _context: Any, _instances: Any) -> None:
    """Any written case, product line or clock makes its case's day stale, in the same transaction."""
    dias: set[date] = set()
    caso_ids = set()
    for obj in chain(session.new, session.dirty, session.deleted):
        if isinstance(obj, Caso):
            dias.add((obj.created_at or utcnow()).astimezone(UTC).date())
        elif isinstance(obj, ProductoAfectado | RelojCaso) and obj.caso_id is not None:
            caso_ids.add(obj.caso_id)
    if caso_ids:
        with session.no_autoflush:
            creados = session.scalars(select(Caso.created_at).where(Caso.id.in_(caso_ids)))
            dias.update(c.astimezone(UTC).date() for c in creados)
    marcar(session, dias=dias)


def marcar(session: Session, *, dias: Iterable[date]) -> None:
    """Marks days stale; never read-modify-write, so concurrent writers don't wait on each other."""
    filas = [{"dia": d, "marcado_at": utcnow()} for d in sorted(set(dias))]
    if filas:
        session.execute(insert(ResumenPendiente), filas)


@event.listens_for(Session, "do_orm_execute")
def _marcar_masivos(state: ORMExecuteState) -> Result[Any] | None:
    """Bulk UPDATE/DELETE statements skip the flush, so their days are read before and after."""
    if not (state.is_update or state.is_delete):
        return None
    tabla = getattr(state.statement, "table", None)
    if tabla is None or tabla.name not in _VIGILADAS:
        return None
    where = getattr(state.statement, "whereclause", None)
    session = state.session
    dialecto = _dialecto(session)

    def dias() -> set[date]:
        consulta = select(q.dia_utc(dialecto)).distinct()
        if tabla.name != Caso.__tablename__:
            consulta = consulta.join_from(tabla, Caso, Caso.id == tabla.c.caso_id)
        if where is not None:
            consulta = consulta.where(where)
        with session.no_autoflush:
            return {q.como_fecha(d) for d in session.scalars(consulta) if d is not None}

    antes = dias()
    resultado = state.invoke_statement()
    marcar(session, dias=antes | (dias() if state.is_update else set()))
    return resultado


_VIGILADAS = {t.__tablename__ for t in (Caso, ProductoAfectado, RelojCaso)}


def recalcular(session: Session, *, dias: list[date]) -> None:
    """Replaces the totals of these days with what the cases say now."""
    if not dias:
        return
    dialecto = _dialecto(session)
    for tabla in TABLAS:
        session.execute(delete(tabla).where(tabla.dia.in_(dias)))
    filtro = q.en_dias(dias)
    fuentes = (
        (ResumenCasosDia, q.casos(dialecto, filtro)),
        (ResumenProductoDia, q.productos(dialecto, filtro)),
        (ResumenLoteDia, q.lotes(dialecto, filtro)),
        (ResumenSlaDia, q.sla_detenidos(dialecto, filtro)),
    )
    for tabla, consulta in fuentes:
        columnas = [c.name for c in tabla.__table__.columns]
        session.execute(insert(tabla).from_select(columnas, consulta))
    session.flush()


def todos_los_dias(session: Session) -> list[date]:
    """Every day with cases, for a full recomputation after data was changed outside the app."""
    dia = q.dia_utc(_dialecto(session))
    return sorted(q.como_fecha(d) for d in session.scalars(select(dia).distinct()))


# pg_try_advisory_xact_lock key of the daily-totals refresh (any fixed bigint, unique in the app)
CERROJO_RESUMEN = 7_356_201_001


def refrescar(session: Session, *, limite: int = 5000) -> int:
    """Recomputes the stale days; a mark written meanwhile by another transaction stays for later.

    On PostgreSQL one worker at a time: two would rebuild the same day and the second insert
    would hit the first's rows (a unique violation every few seconds with two workers); the
    other one skips its turn instead of waiting."""
    if session.get_bind().dialect.name == "postgresql" and not session.scalar(
        text("SELECT pg_try_advisory_xact_lock(:clave)"), {"clave": CERROJO_RESUMEN}
    ):
        return 0
    marcas = session.execute(
        select(ResumenPendiente.id, ResumenPendiente.dia)
        .order_by(ResumenPendiente.id)
        .limit(limite)
    ).all()
    if not marcas:
        return 0
    dias = sorted({q.como_fecha(d) for _, d in marcas})
    for i in range(0, len(dias), 200):
        recalcular(session, dias=dias[i : i + 200])
    session.execute(delete(ResumenPendiente).where(ResumenPendiente.id.in_([m for m, _ in marcas])))
    session.flush()
    return len(marcas)


@dataclass(slots=True)
class Hechos:
    """Grouped counts of a period, from totals and live queries alike, ready to be added up."""

    casos: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    resueltos: Counter[tuple[str, str]] = field(default_factory=Counter)
    horas: dict[tuple[str, str], float] = field(default_factory=dict)
    por_dia: Counter[tuple[date, str]] = field(default_factory=Counter)
    productos: Counter[str] = field(default_factory=Counter)
    lotes: Counter[tuple[str, str]] = field(default_factory=Counter)
    criticos: Counter[tuple[str, str]] = field(default_factory=Counter)
    nombres: dict[str, str] = field(default_factory=dict)
    sla: Counter[tuple[str, bool]] = field(default_factory=Counter)

    def nombre(self, clave: str, nombre: str) -> None:
        actual = self.nombres.get(clave)
        self.nombres[clave] = nombre if actual is None else min(actual, nombre)

    def sumar_casos(
        self, tipo: str, crit: str, estado: str, n: int, resueltos: int, horas: float | None
    ) -> None:
        self.casos[(tipo, crit, estado)] += int(n)
        self.resueltos[(tipo, crit)] += int(resueltos)
        self.horas[(tipo, crit)] = self.horas.get((tipo, crit), 0.0) + float(horas or 0.0)

    def sumar_producto(self, clave: str, nombre: str, n: int) -> None:
        self.productos[clave] += int(n)
        self.nombre(clave, nombre)

    def sumar_lote(self, clave: str, lote: str, nombre: str, n: int, criticos: int) -> None:
        self.lotes[(clave, lote)] += int(n)
        self.criticos[(clave, lote)] += int(criticos)
        self.nombre(clave, nombre)

    def sumar_sla(self, tipo: str, a_tiempo: int | None, tarde: int | None) -> None:
        self.sla[(tipo, True)] += int(a_tiempo or 0)
        self.sla[(tipo, False)] += int(tarde or 0)


@dataclass(frozen=True, slots=True)
class Ventana:
    """Which days of a period the stored totals answer, and which cases go to the live queries."""

    desde: date | None
    hasta: date | None
    excluidos: list[date]
    vivo: ColumnElement[bool]


def ventana(session: Session, *, desde: datetime | None, hasta: datetime | None) -> Ventana:
    limites = [Caso.created_at >= desde] if desde else []
    if hasta:
        limites.append(Caso.created_at < hasta)
    periodo = and_(true(), *limites)
    primero = _dia_entero_desde(desde)
    ultimo = hasta.astimezone(UTC).date() if hasta else None
    pendientes = select(ResumenPendiente.dia).distinct()
    if primero:
        pendientes = pendientes.where(ResumenPendiente.dia >= primero)
    if ultimo:
        pendientes = pendientes.where(ResumenPendiente.dia < ultimo)
    excluidos = sorted(q.como_fecha(d) for d in session.scalars(pendientes))
    bordes = []
    if desde and primero and desde < q.inicio_dia(primero):
        bordes.append(and_(Caso.created_at >= desde, Caso.created_at < q.inicio_dia(primero)))
    if hasta and ultimo and hasta > q.inicio_dia(ultimo):
        bordes.append(and_(Caso.created_at >= q.inicio_dia(ultimo), Caso.created_at < hasta))
    vivo = and_(periodo, or_(q.en_dias(excluidos), *bordes))
    return Ventana(primero, ultimo, excluidos, vivo)


def _dia_entero_desde(desde: datetime | None) -> date | None:
    if desde is None:
        return None
    dia = desde.astimezone(UTC).date()
    return dia if q.inicio_dia(dia) == desde else dia + timedelta(days=1)


def _rango_dias(tabla: Any, v: Ventana) -> ColumnElement[bool]:
    condiciones = [tabla.dia.not_in(v.excluidos)] if v.excluidos else []
    if v.desde:
        condiciones.append(tabla.dia >= v.desde)
    if v.hasta:
        condiciones.append(tabla.dia < v.hasta)
    return and_(true(), *condiciones)


def contar_casos(
    session: Session,
    *,
    desde: datetime | None,
    hasta: datetime | None,
    iguales: dict[str, str],
) -> int:
    """Exact count of cases by tipo/criticidad/estado: stored daily totals plus the live rest."""
    v = ventana(session, desde=desde, hasta=hasta)
    guardado = select(func.coalesce(func.sum(ResumenCasosDia.casos), 0)).where(
        _rango_dias(ResumenCasosDia, v),
        *(getattr(ResumenCasosDia, campo) == valor for campo, valor in iguales.items()),
    )
    vivo = (
        select(func.count())
        .select_from(Caso)
        .where(v.vivo, *(getattr(Caso, campo) == valor for campo, valor in iguales.items()))
    )
    return int(session.scalar(guardado) or 0) + int(session.scalar(vivo) or 0)


def hechos(session: Session, *, desde: datetime | None, hasta: datetime | None) -> Hechos:
    """Everything the statistics need, for the period [desde, hasta)."""
    v = ventana(session, desde=desde, hasta=hasta)
    dialecto = _dialecto(session)
    h = Hechos()
    for dia, tipo, crit, estado, n, resueltos, horas in session.execute(q.casos(dialecto, v.vivo)):
        h.sumar_casos(tipo, crit, estado, n, resueltos, horas)
        h.por_dia[(q.como_fecha(dia), tipo)] += n
    for _dia, clave, nombre, n in session.execute(q.productos(dialecto, v.vivo)):
        h.sumar_producto(clave, nombre, n)
    for _dia, clave, lote, nombre, n, criticos in session.execute(q.lotes(dialecto, v.vivo)):
        h.sumar_lote(clave, lote, nombre, n, criticos)
    for _dia, tipo, ok, tarde in session.execute(q.sla_detenidos(dialecto, v.vivo)):
        h.sumar_sla(tipo, ok, tarde)
    for tipo, vencidos in session.execute(q.sla_en_curso(desde=desde, hasta=hasta, ahora=utcnow())):
        h.sumar_sla(tipo, 0, vencidos)
    _sumar_guardados(session, h, v)
    return h


def _sumar_guardados(session: Session, h: Hechos, v: Ventana) -> None:
    c = ResumenCasosDia
    for tipo, crit, estado, n, resueltos, horas in session.execute(
        select(
            c.tipo_caso,
            c.criticidad,
            c.estado,
            func.sum(c.casos),
            func.sum(c.resueltos),
            func.sum(c.horas_resolucion),
        )
        .where(_rango_dias(c, v))
        .group_by(c.tipo_caso, c.criticidad, c.estado)
    ):
        h.sumar_casos(tipo, crit, estado, n, resueltos, horas)
    for dia, tipo, n in session.execute(
        select(c.dia, c.tipo_caso, func.sum(c.casos))
        .where(_rango_dias(c, v))
        .group_by(c.dia, c.tipo_caso)
    ):
        h.por_dia[(q.como_fecha(dia), tipo)] += int(n)
    p = ResumenProductoDia
    for clave, nombre, n in session.execute(
        select(p.producto_clave, func.min(p.nombre_producto), func.sum(p.reclamos))
        .where(_rango_dias(p, v))
        .group_by(p.producto_clave)
    ):
        h.sumar_producto(clave, nombre, n)
    _sumar_lotes_guardados(session, h, v)
    s = ResumenSlaDia
    for tipo, ok, tarde in session.execute(
        select(s.tipo, func.sum(s.a_tiempo), func.sum(s.tarde))
        .where(_rango_dias(s, v))
        .group_by(s.tipo)
    ):
        h.sumar_sla(tipo, ok, tarde)


def _sumar_lotes_guardados(session: Session, h: Hechos, v: Ventana) -> None:
    """Only the lots that can reach a top list: the stored leaders plus every lot seen live."""
    lt = ResumenLoteDia
    reclamos, criticos = func.sum(lt.reclamos), func.sum(lt.criticos)
    base = (
        select(
            lt.producto_clave,
            lt.lote,
            func.min(lt.nombre_producto).label("nombre"),
            reclamos.label("reclamos"),
            criticos.label("criticos"),
        )
        .where(_rango_dias(lt, v))
        .group_by(lt.producto_clave, lt.lote)
    )
    g = base.cte("lotes_agrupados")
    lideres = [
        select(g).order_by(*orden, g.c.lote).limit(TOP_CANDIDATOS).subquery()
        for orden in ((g.c.reclamos.desc(),), (g.c.reclamos.desc(), g.c.criticos.desc()))
    ]
    consultas: list[Any] = [union_all(*(select(t) for t in lideres))]
    vivos = list(h.lotes)
    for i in range(0, len(vivos), 500):
        consultas.append(base.where(tuple_(lt.producto_clave, lt.lote).in_(vivos[i : i + 500])))
    guardados: dict[tuple[str, str], tuple[str, int, int]] = {}
    for consulta in consultas:
        for clave, lote, nombre, n, crit in session.execute(consulta):
            guardados[(clave, lote)] = (nombre, int(n), int(crit))
    for (clave, lote), (nombre, n, crit) in guardados.items():
        h.sumar_lote(clave, lote, nombre, n, crit)
