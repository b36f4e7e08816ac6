"""The figures of GET /api/estadisticas, where por_criticidad adds up to the reclamos."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from vetanco.casos.enums import TipoCaso
from vetanco.casos.models import Caso
from vetanco.db import utcnow
from vetanco.estadisticas import repository
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
from vetanco.sla import repository as relojes

TOP = 10


def calcular(
    session: Session, *, fecha_desde: date | datetime | None, fecha_hasta: date | datetime | None
) -> Estadisticas:
    desde, hasta = rango(fecha_desde, fecha_hasta)
    tipos = repository.contar_por(session, Caso.tipo_caso, desde=desde, hasta=hasta)
    criticidades = repository.contar_por(
        session, Caso.criticidad, desde=desde, hasta=hasta, solo_reclamos=True
    )
    estados = repository.contar_por(session, Caso.estado, desde=desde, hasta=hasta)
    horas = repository.horas_promedio_resolucion(session, desde=desde, hasta=hasta)
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
            critico=_round(horas.get("critico")),
            mayor=_round(horas.get("mayor")),
            menor=_round(horas.get("menor")),
        ),
        productos_con_mas_reclamos=[
            ProductoReclamos(producto=p, total_reclamos=n)
            for p, n in repository.top_productos(session, desde=desde, hasta=hasta, limit=TOP)
        ],
        lotes_con_mas_reclamos=[
            LoteReclamos(producto=p, lote=lt, total_reclamos=n)
            for p, lt, n in repository.top_lotes(session, desde=desde, hasta=hasta, limit=TOP)
        ],
        por_lote=_por_lote(session, desde=desde, hasta=hasta),
        sla=_sla(relojes.cumplimiento(session, desde=desde, hasta=hasta, ahora=utcnow())),
    )


def _por_lote(
    session: Session, *, desde: datetime | None, hasta: datetime | None
) -> list[LoteSenal]:
    filas = repository.lotes_con_criticos(session, desde=desde, hasta=hasta, limit=TOP)
    ultimas = senales.ultimas_senales(session, [(clave, lote) for clave, _, lote, _, _ in filas])
    out = []
    for clave, nombre, lote, reclamos, criticos in filas:
        senal = ultimas.get((clave, lote))
        out.append(
            LoteSenal(
                producto=nombre,
                lote=lote,
                reclamos=reclamos,
                criticos=criticos,
                senal_id=senal.id if senal else None,
                senal_estado=EstadoSenal(senal.estado) if senal else None,
            )
        )
    return out


def _sla(cuentas: dict[str, tuple[int, int]]) -> SlaEstadisticas:
    primera, resolucion = cuentas["primera_respuesta"], cuentas["resolucion"]
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
    filas = repository.casos_por_dia(session, desde=desde, hasta=hasta)
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
