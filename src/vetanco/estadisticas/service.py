"""The figures of GET /api/estadisticas, where por_criticidad adds up to the reclamos."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from vetanco.casos.enums import TipoCaso
from vetanco.db import utcnow
from vetanco.estadisticas import acumulado
from vetanco.estadisticas.schemas import (
    Estadisticas,
    LoteReclamos,
    LoteSenal,
    Periodo,
    PorCriticidad,
    PorEstado,
    ProductoReclamos,
    SlaEstadisticas,
    SlaReloj,
    TiempoPromedio,
    Totales,
)
from vetanco.schemas import rango
from vetanco.senales import repository as senales
from vetanco.senales.enums import EstadoSenal

TOP = 10


def calcular(
    session: Session, *, fecha_desde: date | datetime | None, fecha_hasta: date | datetime | None
) -> Estadisticas:
    desde, hasta = rango(fecha_desde, fecha_hasta)
    h = acumulado.hechos(session, desde=desde, hasta=hasta)
    return _estadisticas(session, h, fecha_desde=fecha_desde, fecha_hasta=fecha_hasta)


def panel(
    session: Session,
    *,
    fecha_desde: date | datetime | None,
    fecha_hasta: date | datetime | None,
    hoy: date | None = None,
) -> tuple[Estadisticas, SerieCasos]:
    """The figures and the series over time from one read, for the dashboard page."""
    desde, hasta = rango(fecha_desde, fecha_hasta)
    h = acumulado.hechos(session, desde=desde, hasta=hasta)
    datos = _estadisticas(session, h, fecha_desde=fecha_desde, fecha_hasta=fecha_hasta)
    return datos, _serie(h, desde=desde, hasta=hasta, hoy=hoy)


def _estadisticas(
    session: Session,
    h: acumulado.Hechos,
    *,
    fecha_desde: date | datetime | None,
    fecha_hasta: date | datetime | None,
) -> Estadisticas:
    tipos = _sumar(h.casos, 0)
    estados = _sumar(h.casos, 2)
    reclamo = TipoCaso.reclamo.value
    criticidades: Counter[str] = Counter()
    for (tipo, criticidad, _estado), n in h.casos.items():
        if tipo == reclamo:
            criticidades[criticidad] += n
    return Estadisticas(
        periodo=Periodo(desde=fecha_desde, hasta=fecha_hasta),
        totales=Totales(
            total_casos=sum(tipos.values()),
            reclamos=tipos.get("reclamo", 0),
            quejas=tipos.get("queja", 0),
            comentarios=tipos.get("comentario", 0),
            pendientes_clasificacion=tipos.get("pendiente_clasificacion", 0),
        ),
        por_criticidad=PorCriticidad(
            critico=criticidades.get("critico", 0),
            mayor=criticidades.get("mayor", 0),
            menor=criticidades.get("menor", 0),
        ),
        por_estado=PorEstado(
            nuevo=estados.get("nuevo", 0),
            en_investigacion=estados.get("en_investigacion", 0),
            resuelto=estados.get("resuelto", 0),
            cerrado=estados.get("cerrado", 0),
        ),
        tiempo_promedio_resolucion=TiempoPromedio(
            critico=_promedio(h, "critico"),
            mayor=_promedio(h, "mayor"),
            menor=_promedio(h, "menor"),
        ),
        productos_con_mas_reclamos=[
            ProductoReclamos(producto=h.nombres[clave], total_reclamos=n)
            for clave, n in sorted(h.productos.items(), key=lambda kv: (-kv[1], h.nombres[kv[0]]))[
                :TOP
            ]
            if n
        ],
        lotes_con_mas_reclamos=[
            LoteReclamos(producto=h.nombres[clave], lote=lote, total_reclamos=n)
            for (clave, lote), n in _top_lotes(h)
        ],
        por_lote=_por_lote(session, h),
        sla=_sla(h),
    )


def _sumar(cuentas: Counter[tuple[str, str, str]], posicion: int) -> Counter[str]:
    out: Counter[str] = Counter()
    for clave, n in cuentas.items():
        out[clave[posicion]] += n
    return out


def _promedio(h: acumulado.Hechos, criticidad: str) -> float | None:
    resueltos = h.resueltos.get((TipoCaso.reclamo.value, criticidad), 0)
    if not resueltos:
        return None
    return _round(h.horas.get((TipoCaso.reclamo.value, criticidad), 0.0) / resueltos)


def _top_lotes(h: acumulado.Hechos) -> list[tuple[tuple[str, str], int]]:
    orden = sorted(h.lotes.items(), key=lambda kv: (-kv[1], kv[0][1]))
    return [(k, n) for k, n in orden[:TOP] if n]


def _por_lote(session: Session, h: acumulado.Hechos) -> list[LoteSenal]:
    orden = sorted(h.lotes.items(), key=lambda kv: (-kv[1], -h.criticos[kv[0]], kv[0][1]))
    filas = [(k, n) for k, n in orden[:TOP] if n]
    ultimas = senales.ultimas_senales(session, [clave for clave, _ in filas])
    out = []
    for (clave, lote), reclamos in filas:
        senal = ultimas.get((clave, lote))
        out.append(
            LoteSenal(
                producto=h.nombres[clave],
                lote=lote,
                reclamos=reclamos,
                criticos=h.criticos[(clave, lote)],
                senal_id=senal.id if senal else None,
                senal_estado=EstadoSenal(senal.estado) if senal else None,
            )
        )
    return out


def _sla(h: acumulado.Hechos) -> SlaEstadisticas:
    primera = (h.sla[("primera_respuesta", True)], h.sla[("primera_respuesta", False)])
    resolucion = (h.sla[("resolucion", True)], h.sla[("resolucion", False)])
    ok, ko = primera[0] + resolucion[0], primera[1] + resolucion[1]
    return SlaEstadisticas(
        porcentaje_cumplido=_pct(ok, ko),
        primera_respuesta=SlaReloj(
            cumplidos=primera[0], incumplidos=primera[1], porcentaje_cumplido=_pct(*primera)
        ),
        resolucion=SlaReloj(
            cumplidos=resolucion[0],
            incumplidos=resolucion[1],
            porcentaje_cumplido=_pct(*resolucion),
        ),
    )


def _pct(ok: int, ko: int) -> float | None:
    return round(100 * ok / (ok + ko), 1) if ok + ko else None


def _round(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None


MAX_BARRAS = 62


@dataclass(frozen=True, slots=True)
class SerieCasos:
    """Cases per period (dia, semana, mes or año) and tipo_caso, empty periods included."""

    paso: str
    inicios: list[date]
    por_tipo: dict[str, list[int]]


def serie_por_tipo(
    session: Session,
    *,
    fecha_desde: date | datetime | None,
    fecha_hasta: date | datetime | None,
    hoy: date | None = None,
) -> SerieCasos:
    """Cases over time by tipo_caso, in periods coarse enough for a chart to stay readable."""
    desde, hasta = rango(fecha_desde, fecha_hasta)
    h = acumulado.hechos(session, desde=desde, hasta=hasta)
    return _serie(h, desde=desde, hasta=hasta, hoy=hoy)


def _serie(
    h: acumulado.Hechos, *, desde: datetime | None, hasta: datetime | None, hoy: date | None
) -> SerieCasos:
    filas = [(dia, tipo, n) for (dia, tipo), n in sorted(h.por_dia.items()) if n]
    if not filas:
        return SerieCasos(paso="dia", inicios=[], por_tipo={})
    dias = [d for d, _, _ in filas]
    inicio = desde.date() if desde else min(dias)
    fin = (hasta - timedelta(microseconds=1)).date() if hasta else max(dias)
    fin = max(min(fin, max(hoy or utcnow().date(), max(dias))), inicio)
    paso = _paso(inicio, fin)
    inicios = [_inicio(inicio, paso)]
    while (siguiente := _siguiente(inicios[-1], paso)) <= fin:
        inicios.append(siguiente)
    posicion = {d: i for i, d in enumerate(inicios)}
    cuentas = {t.value: [0] * len(inicios) for t in TipoCaso}
    for dia, tipo, n in filas:
        i = posicion.get(_inicio(dia, paso))
        if i is not None and tipo in cuentas:
            cuentas[tipo][i] += n
    return SerieCasos(
        paso=paso, inicios=inicios, por_tipo={t: v for t, v in cuentas.items() if any(v)}
    )


def _paso(inicio: date, fin: date) -> str:
    dias = (fin - inicio).days + 1
    if dias <= MAX_BARRAS:
        return "dia"
    if dias <= MAX_BARRAS * 7:
        return "semana"
    return "mes" if (fin.year - inicio.year) * 12 + fin.month - inicio.month < MAX_BARRAS else "año"


def _inicio(dia: date, paso: str) -> date:
    if paso == "semana":
        return dia - timedelta(days=dia.weekday())
    if paso == "mes":
        return dia.replace(day=1)
    if paso == "año":
        return date(dia.year, 1, 1)
    return dia


def _siguiente(dia: date, paso: str) -> date:
    if paso == "semana":
        return dia + timedelta(days=7)
    if paso == "mes":
        return date(dia.year + dia.month // 12, dia.month % 12 + 1, 1)
    if paso == "año":
        return date(dia.year + 1, 1, 1)
    return dia + timedelta(days=1)
