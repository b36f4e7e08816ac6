"""The figures of GET /api/estadisticas, where por_criticidad adds up to the reclamos."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from vetanco.casos.models import Caso
from vetanco.db import utcnow
from vetanco.estadisticas import repository
from vetanco.estadisticas.schemas import (
    Estadisticas,
    LoteReclamos,
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
        sla=_sla(relojes.cumplimiento(session, desde=desde, hasta=hasta, ahora=utcnow())),
    )


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
