"""Response models of /api/casos and what hangs off a case (SLA, adverse event, history)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import Field

from vetanco.sdk.models.base import Lista, Modelo, Pagina, Success
from vetanco.sdk.tipos import Canal, Criticidad, Estado, Justificacion, TipoCaso


class ClienteResumen(Modelo):
    nombre: str | None = None
    razon_social: str | None = None
    cuit: str | None = None


class ProductoResumen(Modelo):
    nombre: str
    lote: str | None = None


class _Caso(Modelo):
    """What both the list and the detail say about a case's identity and classification."""

    id: uuid.UUID
    numero_caso: str
    tipo_caso: TipoCaso | str
    criticidad: Criticidad | str | None = None
    justificacion: Justificacion | str | None = None
    estado: Estado | str
    canal: Canal | str | None = None


class CasoListItem(_Caso):
    cliente: ClienteResumen
    producto: ProductoResumen | None = None
    descripcion_que_sucedio: str
    created_at: datetime
    updated_at: datetime
    evento_adverso: bool = False
    sla: str | None = None
    posible_duplicado_de: str | None = None


CasoList = Pagina[CasoListItem]


class ClienteDetalle(Modelo):
    id: uuid.UUID
    nombre_apellido: str | None = None
    razon_social: str | None = None
    cuit: str | None = None
    telefono: str | None = None
    email: str | None = None
    direccion: str | None = None


class ColaboradorResumen(Modelo):
    id: uuid.UUID | None = None
    nombre: str
    cargo: str


class ProductoRead(Modelo):
    nombre_producto: str
    presentacion: str | None = None
    numero_lote: str | None = None
    fecha_vencimiento: date | None = None
    estado_producto: str | None = None
    cantidad_afectada: float | None = None
    unidad_medida: str | None = None


class DescripcionRead(Modelo):
    que_sucedio: str
    donde_ocurrio: str | None = None
    cuando_ocurrio: datetime | None = None
    descripcion_libre: str | None = None


class AdjuntoRead(Modelo):
    id: uuid.UUID | None = None
    tipo: str
    url: str
    nombre: str | None = None
    estado: str | None = Field(default=None, description="externo, pendiente, descargado, …")
    mime_type: str | None = None
    sha256: str | None = None


class InvestigacionResumen(Modelo):
    id: uuid.UUID
    estado: str
    investigador: str
    investigador_id: uuid.UUID | None = None
    fecha_inicio: datetime
    fecha_fin: datetime | None = None
    hallazgos: str | None = None
    evidencia_recolectada: str | None = None
    analisis_laboratorio: str | None = None
    causa_raiz: str | None = None
    acciones_correctivas: str | None = None
    acciones_preventivas: str | None = None


class TareaRetenResumen(Modelo):
    id: str
    title: str | None = None
    status: str | None = None
    assigned_to: str | None = None
    due_date: datetime | None = None


class Razon(Modelo):
    regla: str
    frase: str
    patron: str | None = None
    tipo_caso: str | None = None
    criticidad: str | None = None
    peso: float | None = None


class SugerenciaRead(Modelo):
    """The automatic triage suggestion and the phrases behind it."""

    tipo_caso: str
    criticidad: str | None = None
    confianza: float
    evento_adverso: bool = False
    grave: bool = False
    aplicada: bool = False
    razones: list[Razon] = Field(default_factory=list)
    descartadas: list[Razon] = Field(default_factory=list)
    version_reglas: str | None = None
    created_at: datetime | None = None


class ReporteRegulatorioRead(Modelo):
    autoridad: str | None = None
    plazo_dias: int | None = None
    vence: datetime | None = None
    estado: str
    presentado_at: datetime | None = None
    referencia: str | None = None
    aviso: str | None = None


class EventoAdversoRead(Modelo):
    es_evento_adverso: bool
    origen: str | None = None
    grave: bool = False
    falta_de_eficacia: bool = False
    exposicion_humana: bool = False
    especie: str | None = None
    animales_tratados: int | None = None
    animales_afectados: int | None = None
    animales_muertos: int | None = None
    dosis: str | None = None
    via_administracion: str | None = None
    fecha_aplicacion: date | None = None
    desenlace: str | None = None
    observaciones: str | None = None
    datos_faltantes: list[str] = Field(default_factory=list)
    reporte_regulatorio: ReporteRegulatorioRead | None = None


class RelojRead(Modelo):
    objetivo_horas: float
    inicio: datetime
    vence: datetime
    en_riesgo_desde: datetime | None = None
    estado: str
    cumplido_at: datetime | None = None
    restante_horas: float | None = None
    horas_en_pausa: float = 0


class SlaRead(Modelo):
    """A case's two SLA clocks (first response and resolution)."""

    politica: str
    estado: str
    pausado: bool
    primera_respuesta: RelojRead
    resolucion: RelojRead


class CasoRead(_Caso):
    tipo_usuario_registro: str | None = None
    cliente: ClienteDetalle
    colaborador_registro: ColaboradorResumen | None = None
    productos_afectados: list[ProductoRead] = Field(default_factory=list)
    descripcion: DescripcionRead
    numero_remito: str | None = None
    adjuntos: list[AdjuntoRead] = Field(default_factory=list)
    investigacion: InvestigacionResumen | None = None
    tareas_reten: list[TareaRetenResumen] = Field(default_factory=list)
    resolucion: str | None = None
    acciones_correctivas: str | None = None
    acciones_preventivas: str | None = None
    created_at: datetime
    updated_at: datetime
    clasificado_at: datetime | None = None
    en_investigacion_at: datetime | None = None
    resuelto_at: datetime | None = None
    cerrado_at: datetime | None = None
    primera_respuesta_at: datetime | None = None
    triage: SugerenciaRead | None = None
    evento_adverso: EventoAdversoRead | None = None
    sla: SlaRead | None = None
    posible_duplicado_de: str | None = None
    fusionado_en: str | None = None


class CasoDetalle(Modelo):
    caso: CasoRead


class CasoCreadoResumen(Modelo):
    id: uuid.UUID
    numero_caso: str
    created_at: datetime


class CasoCreado(Success):
    caso: CasoCreadoResumen


class CasoClasificado(Modelo):
    numero_caso: str
    tipo_caso: TipoCaso | str
    criticidad: Criticidad | str | None = None
    justificacion: Justificacion | str | None = None
    updated_at: datetime


class ClasificacionRegistrada(Modelo):
    id: uuid.UUID
    created_at: datetime


class ClasificacionResponse(Success):
    caso: CasoClasificado
    clasificacion_registrada: ClasificacionRegistrada


class CasoEstadoResumen(Modelo):
    numero_caso: str
    estado: Estado | str
    updated_at: datetime


class EstadoResponse(Success):
    caso: CasoEstadoResumen


class HistorialEntry(Modelo):
    """One link of the case's hash-chained audit trail."""

    id: uuid.UUID
    secuencia: int
    accion: str
    actor: str
    colaborador_id: uuid.UUID | None = None
    cambios: dict[str, Any] = Field(default_factory=dict)
    motivo: str | None = None
    created_at: datetime
    hash_anterior: str | None = None
    hash: str | None = None


class HistorialList(Lista[HistorialEntry]):
    numero_caso: str


class FusionResponse(Success):
    numero_caso: str
    estado: Estado | str
    fusionado_en: str
    productos_agregados: list[str] = Field(default_factory=list)
    adjuntos_agregados: int = 0


class EventoAdversoResponse(Success):
    numero_caso: str
    evento_adverso: EventoAdversoRead | None = None
