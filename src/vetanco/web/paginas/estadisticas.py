"""Estadísticas: the figures of GET /api/estadisticas as charts a person reads at a glance."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError

from vetanco.config import ObjetivoSla
from vetanco.db import SessionDep, utcnow
from vetanco.errors import ValidationFailed, validation_details
from vetanco.estadisticas import service
from vetanco.estadisticas.schemas import Estadisticas
from vetanco.estadisticas.service import SerieCasos
from vetanco.politicas import Politicas
from vetanco.schemas import FechaFiltro
from vetanco.web import graficos as g
from vetanco.web.deps import Lector, render
from vetanco.web.etiquetas import etiqueta, fecha
from vetanco.web.formularios import FiltrosGet

router = APIRouter()
CAMPOS = ("fecha_desde", "fecha_hasta")
COLOR_TIPO = {
    "reclamo": g.AZUL,
    "queja": g.NARANJA,
    "comentario": g.VERDE,
    "pendiente_clasificacion": g.GRIS,
}
COLOR_CRITICIDAD = {"critico": g.ROJO, "mayor": g.NARANJA, "menor": g.OLIVA}
COLOR_ESTADO = {
    "nuevo": g.AZUL,
    "en_investigacion": g.NARANJA,
    "resuelto": g.VERDE,
    "cerrado": g.GRIS,
}
PASOS = {"dia": "Día", "semana": "Semana", "mes": "Mes", "año": "Año"}
MESES = "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre"


class FiltrosEstadisticas(FiltrosGet):
    """The API's two date filters; an empty form field means "no limit"."""

    fecha_desde: FechaFiltro | None = None
    fecha_hasta: FechaFiltro | None = None


def _errores(detalles: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """Each message under the date field it is about."""
    errores: dict[str, str] = {}
    for d in detalles:
        campo = next((p for p in reversed(d.get("loc", [])) if p in CAMPOS), CAMPOS[0])
        errores.setdefault(campo, str(d.get("msg", "")))
    return errores


@router.get("/estadisticas")
def estadisticas(request: Request, session: SessionDep, usuario: Lector) -> Response:
    crudos = {c: request.query_params.get(c, "") for c in CAMPOS}
    contexto: dict[str, Any] = {"filtros": crudos, "errores": {}}
    try:
        f = FiltrosEstadisticas.model_validate(crudos)
        datos, serie = service.panel(
            session, fecha_desde=f.fecha_desde, fecha_hasta=f.fecha_hasta, hoy=utcnow().date()
        )
    except ValidationError as exc:
        contexto["errores"] = _errores(validation_details(exc.errors()))
    except ValidationFailed as exc:
        contexto["errores"] = _errores(exc.details)
    else:
        politicas: Politicas = request.app.state.politicas
        contexto |= _vista(datos, serie, politicas.objetivos)
    parcial = request.headers.get("hx-target") == "estadisticas"
    plantilla = "estadisticas/_contenido.html" if parcial else "estadisticas/pagina.html"
    status = 400 if contexto["errores"] else 200
    return render(request, plantilla, contexto, usuario=usuario, status_code=status)


def _vista(
    datos: Estadisticas, serie: SerieCasos, objetivos: dict[str, ObjetivoSla]
) -> dict[str, Any]:
    """Figures to charts; only arrangement and labels here, every number comes from the service."""
    lotes = [
        g.Barra(f"{lote.lote} · {lote.producto}", lote.total_reclamos)
        for lote in datos.lotes_con_mas_reclamos
    ]
    productos = getattr(datos, "productos_con_mas_reclamos", None)
    return {
        "periodo": _periodo(datos),
        "kpis": _kpis(datos),
        "tiempo": _tiempo(serie),
        "criticidad": _conteo(
            "criticidad", "Reclamos por criticidad", datos.por_criticidad, COLOR_CRITICIDAD
        ),
        "estado": _conteo("estado", "Casos por estado", datos.por_estado, COLOR_ESTADO),
        "resolucion": _resolucion(datos, objetivos),
        "productos": None
        if productos is None
        else g.barras_horizontales(
            id="g-productos",
            titulo="Productos con más reclamos",
            barras=[g.Barra(p.producto, p.total_reclamos) for p in productos],
            columnas=("Producto", "Reclamos"),
        ),
        "lotes": g.barras_horizontales(
            id="g-lotes",
            titulo="Lotes con más reclamos",
            barras=lotes,
            columnas=("Lote · producto", "Reclamos"),
        ),
        "por_lote": getattr(datos, "por_lote", None),
    }


def _periodo(datos: Estadisticas) -> str:
    desde, hasta = datos.periodo.desde, datos.periodo.hasta
    if desde is None and hasta is None:
        return "Todo el historial"
    if hasta is None:
        return f"Desde el {_dia(desde)}"
    if desde is None:
        return f"Hasta el {_dia(hasta)}"
    return f"Del {_dia(desde)} al {_dia(hasta)}"


def _dia(valor: date | datetime | None) -> str:
    return fecha(valor) if isinstance(valor, datetime) else fecha(valor, "%d/%m/%Y")


def _horas(valor: float | None) -> str:
    """Short averages in hours, long ones in days, always one decimal."""
    if valor is None:
        return "sin resueltos"
    return f"{g.numero(valor, 1)} h" if valor < 48 else f"{g.numero(valor / 24, 1)} días"


def _kpis(datos: Estadisticas) -> list[dict[str, Any]]:
    t, e, sla = datos.totales, datos.por_estado, datos.sla
    pct = "—" if sla.porcentaje_cumplido is None else f"{g.numero(sla.porcentaje_cumplido, 1)} %"
    tiempos = datos.tiempo_promedio_resolucion
    return [
        {
            "id": "total",
            "titulo": "Casos",
            "valor": g.numero(t.total_casos),
            "detalle": f"Reclamos {g.numero(t.reclamos)} · quejas {g.numero(t.quejas)} · "
            f"comentarios {g.numero(t.comentarios)} · "
            f"sin clasificar {g.numero(t.pendientes_clasificacion)}",
        },
        {
            "id": "abiertos",
            "titulo": "Abiertos",
            "valor": g.numero(e.nuevo + e.en_investigacion),
            "detalle": f"Nuevos {g.numero(e.nuevo)} · en investigación {g.numero(e.en_investigacion)}",
        },
        {
            "id": "sla",
            "titulo": "SLA cumplido",
            "valor": pct,
            "detalle": f"Primera respuesta {_pct(sla.primera_respuesta.porcentaje_cumplido)} · "
            f"resolución {_pct(sla.resolucion.porcentaje_cumplido)}",
        },
        {
            "id": "resolucion",
            "titulo": "Tiempo medio de resolución",
            "lineas": [(etiqueta(k), _horas(v)) for k, v in tiempos.model_dump().items()],
            "detalle": "Reclamos resueltos, desde la creación",
        },
    ]


def _pct(valor: float | None) -> str:
    return "—" if valor is None else f"{g.numero(valor, 1)} %"


def _conteo(clave: str, titulo: str, bloque: BaseModel, colores: dict[str, str]) -> g.Grafico:
    valores = bloque.model_dump()
    return g.barras_horizontales(
        id=f"g-{clave}",
        titulo=titulo,
        barras=[g.Barra(etiqueta(k), v, colores.get(k, g.AZUL)) for k, v in valores.items()],
        columnas=(clave.capitalize(), "Casos"),
    )


def _resolucion(datos: Estadisticas, objetivos: dict[str, ObjetivoSla]) -> g.Grafico:
    """Hours against the SLA target; business days drawn as calendar days, the lenient reading."""
    barras = []
    for clave, horas in datos.tiempo_promedio_resolucion.model_dump().items():
        objetivo = objetivos.get(clave)
        dias = objetivo.resolucion_dias if objetivo else None
        barras.append(
            g.Barra(
                etiqueta(clave),
                horas,
                COLOR_CRITICIDAD.get(clave, g.AZUL),
                texto=_horas(horas) if horas is not None else "sin resueltos",
                objetivo=dias * 24 if dias is not None else None,
                texto_objetivo=f"{g.numero(dias, 1 if dias % 1 else 0)} días hábiles"
                if dias is not None
                else None,
            )
        )
    return g.barras_horizontales(
        id="g-resolucion",
        titulo="Tiempo medio de resolución de reclamos frente al objetivo de SLA",
        barras=barras,
        columnas=("Criticidad", "Promedio", "Objetivo"),
    )


def _tiempo(serie: SerieCasos) -> g.Grafico:
    titulo = "Casos creados por " + PASOS[serie.paso].lower() + " y tipo"
    return g.barras_apiladas(
        id="g-tiempo",
        titulo=titulo,
        categorias=[_categoria(d, serie.paso) for d in serie.inicios],
        cortas=[_corta(d, serie.paso) for d in serie.inicios],
        series=[
            g.Serie(etiqueta(tipo), COLOR_TIPO.get(tipo, g.VIOLETA), valores)
            for tipo, valores in serie.por_tipo.items()
        ],
        primera_columna=PASOS[serie.paso],
    )


def _categoria(d: date, paso: str) -> str:
    if paso == "semana":
        return f"Semana del {d:%d/%m/%Y}"
    if paso == "mes":
        return f"{MESES.split()[d.month - 1]} {d.year}"
    if paso == "año":
        return str(d.year)
    return f"{d:%d/%m/%Y}"


def _corta(d: date, paso: str) -> str:
    if paso == "mes":
        return f"{d:%m/%y}"
    if paso == "año":
        return str(d.year)
    return f"{d:%d/%m}"
