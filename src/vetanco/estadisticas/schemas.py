"""GET /api/estadisticas shape, block for block as in the spec."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, Field

from vetanco.senales.enums import EstadoSenal


class Periodo(BaseModel):
    desde: date | datetime | None = Field(examples=["2025-01-01"])
    hasta: date | datetime | None = Field(examples=["2025-10-18"])


class Totales(BaseModel):
    total_casos: int = Field(examples=[450])
    reclamos: int = Field(examples=[280])
    quejas: int = Field(examples=[120])
    comentarios: int = Field(examples=[50])
    pendientes_clasificacion: int = Field(
        examples=[0], description="Casos aún sin clasificar (cuentan en total_casos)."
    )


class PorCriticidad(BaseModel):
    critico: int = Field(examples=[15])
    mayor: int = Field(examples=[180])
    menor: int = Field(examples=[85])


class PorEstado(BaseModel):
    nuevo: int = Field(examples=[45])
    en_investigacion: int = Field(examples=[120])
    resuelto: int = Field(examples=[200])
    cerrado: int = Field(examples=[85])


class TiempoPromedio(BaseModel):
    """Hours from creation to resolution of reclamos; null where none was resolved."""

    critico: float | None = Field(examples=[12.5])
    mayor: float | None = Field(examples=[48.3])
    menor: float | None = Field(examples=[96.7])


class ProductoReclamos(BaseModel):
    producto: str = Field(examples=["Vetancilina 100ml"])
    total_reclamos: int = Field(examples=[45])


class LoteReclamos(BaseModel):
    producto: str = Field(examples=["Vetancilina 100ml"])
    lote: str = Field(examples=["ABC123"])
    total_reclamos: int = Field(examples=[12])


class LoteSenal(BaseModel):
    """A lot with its reclamos in the period and the state of its latest signal, if it had one."""

    producto: str = Field(examples=["Vetancilina 100ml"])
    lote: str = Field(examples=["ABC123"])
    reclamos: int = Field(examples=[4])
    criticos: int = Field(examples=[1])
    senal_id: uuid.UUID | None = Field(default=None, description="Su señal más reciente")
    senal_estado: EstadoSenal | None = Field(
        default=None, examples=["en_evaluacion"], description="null si el lote nunca tuvo señal"
    )


class SlaReloj(BaseModel):
    """Clocks met in time vs breached (late or still running past the deadline)."""

    cumplidos: int = Field(examples=[40])
    incumplidos: int = Field(examples=[2])
    porcentaje_cumplido: float | None = Field(examples=[95.2])


class SlaEstadisticas(BaseModel):
    """% SLA cumplido over the period's cases; both clocks weigh the same."""

    porcentaje_cumplido: float | None = Field(examples=[93.8])
    primera_respuesta: SlaReloj
    resolucion: SlaReloj


class Estadisticas(BaseModel):
    periodo: Periodo
    totales: Totales
    por_criticidad: PorCriticidad
    por_estado: PorEstado
    tiempo_promedio_resolucion: TiempoPromedio
    productos_con_mas_reclamos: list[ProductoReclamos]
    lotes_con_mas_reclamos: list[LoteReclamos]
    por_lote: list[LoteSenal] = Field(
        description="Lotes con más reclamos en el período, con sus críticos y su señal"
    )
    sla: SlaEstadisticas
