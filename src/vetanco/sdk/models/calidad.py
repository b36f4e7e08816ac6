"""Response models of investigaciones, señales, clientes and estadísticas."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import Field

from vetanco.sdk.models.base import Modelo, Pagina, Success
from vetanco.sdk.models.casos import ClienteDetalle, InvestigacionResumen
from vetanco.sdk.tipos import Criticidad, Estado, EstadoInvestigacion, EstadoSenal, TipoCaso


class InvestigacionIniciada(Modelo):
    id: uuid.UUID
    caso_numero: str
    investigador: str
    fecha_inicio: datetime
    estado: EstadoInvestigacion | str


class InvestigacionCreada(Success):
    investigacion: InvestigacionIniciada


class InvestigacionActualizadaResumen(Modelo):
    id: uuid.UUID
    estado: EstadoInvestigacion | str | None = None
    updated_at: datetime


class InvestigacionActualizada(Success):
    investigacion: InvestigacionActualizadaResumen


class InvestigacionRead(InvestigacionResumen):
    caso_numero: str
    created_at: datetime | None = None
    updated_at: datetime | None = None


class InvestigacionDetalle(Modelo):
    investigacion: InvestigacionRead


class ClienteListItem(ClienteDetalle):
    total_casos: int = 0
    casos_abiertos: int = 0


ClienteList = Pagina[ClienteListItem]


class Periodo(Modelo):
    desde: date | datetime | None = None
    hasta: date | datetime | None = None


class Totales(Modelo):
    total_casos: int
    reclamos: int
    quejas: int
    comentarios: int
    pendientes_clasificacion: int = 0


class PorCriticidad(Modelo):
    critico: int = 0
    mayor: int = 0
    menor: int = 0


class PorEstado(Modelo):
    nuevo: int = 0
    en_investigacion: int = 0
    resuelto: int = 0
    cerrado: int = 0


class TiempoPromedio(Modelo):
    """Hours from creation to resolution of reclamos; None where none was resolved."""

    critico: float | None = None
    mayor: float | None = None
    menor: float | None = None


class ProductoReclamos(Modelo):
    producto: str
    total_reclamos: int


class LoteReclamos(Modelo):
    producto: str
    lote: str
    total_reclamos: int


class LoteSenal(Modelo):
    producto: str
    lote: str
    reclamos: int
    criticos: int = 0
    senal_id: uuid.UUID | None = None
    senal_estado: EstadoSenal | str | None = None


class SlaReloj(Modelo):
    cumplidos: int
    incumplidos: int
    porcentaje_cumplido: float | None = None


class SlaEstadisticas(Modelo):
    porcentaje_cumplido: float | None = None
    primera_respuesta: SlaReloj
    resolucion: SlaReloj


class Estadisticas(Modelo):
    periodo: Periodo
    totales: Totales
    por_criticidad: PorCriticidad
    por_estado: PorEstado
    tiempo_promedio_resolucion: TiempoPromedio
    productos_con_mas_reclamos: list[ProductoReclamos] = Field(default_factory=list)
    lotes_con_mas_reclamos: list[LoteReclamos] = Field(default_factory=list)
    por_lote: list[LoteSenal] = Field(default_factory=list)
    sla: SlaEstadisticas | None = None


class SenalCambioRead(Modelo):
    estado_anterior: EstadoSenal | str | None = None
    estado_nuevo: EstadoSenal | str
    motivo: str
    actor: str
    at: datetime


class SenalRead(Modelo):
    """A lot signal: a lot that gathered enough reclamos (or a critical one) to be looked at."""

    id: uuid.UUID
    producto: str
    lote: str
    estado: EstadoSenal | str
    motivo_apertura: str
    caso_apertura: str
    total_casos: int
    criticos: int = 0
    fecha_primer_caso: datetime | None = None
    fecha_ultimo_caso: datetime | None = None
    abierta_at: datetime
    en_evaluacion_at: datetime | None = None
    descartada_at: datetime | None = None
    retiro_de_mercado_at: datetime | None = None
    cerrada_at: datetime | None = None
    updated_at: datetime


SenalList = Pagina[SenalRead]


class SenalCasoRead(Modelo):
    numero_caso: str
    tipo_caso: TipoCaso | str
    criticidad: Criticidad | str | None = None
    estado: Estado | str
    fecha: datetime
    cliente: str | None = None
    cuit: str | None = None
    provincia: str | None = None
    origen: str
    vinculado_at: datetime


class SenalClienteRead(Modelo):
    id: uuid.UUID
    nombre_apellido: str | None = None
    razon_social: str | None = None
    cuit: str | None = None
    casos: int


class SenalProvinciaRead(Modelo):
    provincia: str
    casos: int


class VentanaRead(Modelo):
    desde: datetime
    hasta: datetime
    dias: int


class OtroLoteRead(Modelo):
    lote: str
    producto: str
    reclamos: int
    criticos: int = 0
    senal_id: uuid.UUID | None = None
    senal_estado: EstadoSenal | str | None = None


class SenalDetalleRead(SenalRead):
    casos: list[SenalCasoRead] = Field(default_factory=list)
    clientes: list[SenalClienteRead] = Field(default_factory=list)
    provincias: list[SenalProvinciaRead] = Field(default_factory=list)
    ventana: VentanaRead | None = None
    reclamos_en_ventana: int = 0
    otros_lotes: list[OtroLoteRead] = Field(default_factory=list)
    historial: list[SenalCambioRead] = Field(default_factory=list)


class SenalDetalle(Modelo):
    senal: SenalDetalleRead


class SenalActualizada(Success):
    senal: SenalRead
    cambio: SenalCambioRead
