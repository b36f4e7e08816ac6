"""Enum values and request shapes, spelled exactly as the API's public contract spells them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Literal, Required, TypedDict

TipoCaso = Literal["reclamo", "queja", "comentario", "pendiente_clasificacion"]
TipoCasoClasificado = Literal["reclamo", "queja", "comentario"]
Criticidad = Literal["critico", "mayor", "menor"]
Justificacion = Literal["pendiente_investigacion", "justificado", "no_justificado"]
Estado = Literal["nuevo", "en_investigacion", "resuelto", "cerrado"]
Canal = Literal["whatsapp", "telefono", "email", "web", "presencial", "api"]
TipoUsuarioRegistro = Literal["colaborador_vetanco", "cliente"]
EstadoProducto = Literal["usado", "sin_usar", "parcialmente_usado"]
TipoAdjunto = Literal["foto", "video", "audio", "documento"]
OrdenCasos = Literal[
    "-created_at",
    "created_at",
    "-updated_at",
    "criticidad",
    "estado",
    "numero_caso",
    "-numero_caso",
]
FiltroSla = Literal["vencido", "en_riesgo"]
EstadoInvestigacion = Literal["en_proceso", "completada"]
EstadoSenal = Literal["abierta", "en_evaluacion", "descartada", "retiro_de_mercado"]
Desenlace = Literal[
    "recuperado", "recuperado_con_secuelas", "en_curso", "muerte", "eutanasia", "desconocido"
]
ViaAdministracion = Literal[
    "intramuscular",
    "subcutanea",
    "intravenosa",
    "oral",
    "pour_on",
    "topica",
    "intramamaria",
    "intrauterina",
    "en_agua_o_alimento",
    "otra",
]
Rol = Literal["admin", "calidad", "colaborador", "lectura"]
EstadoEntrega = Literal["pendiente", "entregada", "fallida"]
Evento = Literal[
    "*",
    "caso.creado",
    "caso.clasificado",
    "caso.estado_actualizado",
    "caso.resuelto",
    "caso.cerrado",
    "caso.sla_vencido",
    "caso.reporte_regulatorio_por_vencer",
    "caso.posible_duplicado",
    "caso.fusionado",
    "lote.senal_detectada",
    "investigacion.iniciada",
    "investigacion.actualizada",
    "integracion.alerta",
]
EstadoTarea = Literal["pending", "in_progress", "completed", "cancelled"]
PrioridadTarea = Literal["low", "medium", "high", "urgent"]

Fecha = date | datetime | str
"""ISO date (`2025-10-18`, the whole day) or instant (`2025-10-18T10:00:00Z`)."""
Id = uuid.UUID | str


class CasoFiltros(TypedDict, total=False):
    """Filters of GET /api/casos (besides page and limit)."""

    tipo_caso: TipoCaso | None
    criticidad: Criticidad | None
    estado: Estado | None
    canal: Canal | None
    fecha_desde: Fecha | None
    fecha_hasta: Fecha | None
    cliente_id: Id | None
    numero_lote: str | None
    sla: FiltroSla | None
    evento_adverso: bool | None
    q: str | None
    orden: OrdenCasos | None


class ClienteFiltros(TypedDict, total=False):
    cuit: str | None
    telefono: str | None
    search: str | None


class SenalFiltros(TypedDict, total=False):
    estado: EstadoSenal | None
    producto: str | None
    lote: str | None


class TareaFiltros(TypedDict, total=False):
    status: EstadoTarea | None
    assigned_to: str | None
    priority: PrioridadTarea | None
    due_date_from: Fecha | None
    due_date_to: Fecha | None
    numero_caso: str | None


class ClienteCreate(TypedDict, total=False):
    nombre_apellido: str | None
    razon_social: str | None
    cuit: str | None
    direccion: str | None
    telefono: str | None
    email: str | None


class ProductoIn(TypedDict, total=False):
    nombre_producto: Required[str]
    presentacion: str | None
    numero_lote: str | None
    fecha_vencimiento: date | str | None
    estado_producto: EstadoProducto | None
    cantidad_afectada: float | None
    unidad_medida: str | None


class DescripcionIn(TypedDict, total=False):
    que_sucedio: Required[str]
    donde_ocurrio: str | None
    cuando_ocurrio: datetime | str | None
    descripcion_libre: str | None


class AdjuntoIn(TypedDict, total=False):
    tipo: Required[TipoAdjunto]
    url: Required[str]
    nombre: str | None


class DatosEventoAdverso(TypedDict, total=False):
    """VICH GL42 elements of an adverse event; every one optional."""

    especie: str | None
    animales_tratados: int | None
    animales_afectados: int | None
    animales_muertos: int | None
    dosis: str | None
    via_administracion: ViaAdministracion | None
    fecha_aplicacion: date | str | None
    desenlace: Desenlace | None
    grave: bool | None
    falta_de_eficacia: bool | None
    exposicion_humana: bool | None
    observaciones: str | None


class CasoCreate(TypedDict, total=False):
    """Body of POST /api/casos; `producto` or `productos` (a reclamo needs one of them)."""

    cliente: Required[ClienteCreate]
    descripcion: Required[DescripcionIn]
    tipo_usuario_registro: TipoUsuarioRegistro | None
    colaborador_id: Id | None
    producto: ProductoIn | None
    productos: Sequence[ProductoIn] | None
    numero_remito: str | None
    canal: Canal
    adjuntos: Sequence[AdjuntoIn]
    evento_adverso: DatosEventoAdverso | None
    tipo_caso: TipoCasoClasificado | None
    criticidad: Criticidad | None
    justificacion: Justificacion | None


class CasoClasificar(TypedDict, total=False):
    tipo_caso: Required[TipoCasoClasificado]
    criticidad: Criticidad | None
    justificacion: Justificacion | None
    motivo: str | None
    evidencias: str | None
    clasificado_por: Id | None


class CasoEstadoUpdate(TypedDict, total=False):
    estado: Required[Estado]
    resolucion: str | None
    acciones_correctivas: str | None
    acciones_preventivas: str | None
    motivo: str | None


class EventoAdversoUpdate(DatosEventoAdverso, total=False):
    es_evento_adverso: bool
    motivo: str | None


class ReporteRegulatorioIn(TypedDict, total=False):
    referencia: Required[str]
    presentado_at: datetime | str | None
    autoridad: str | None


class AvanceInvestigacion(TypedDict, total=False):
    hallazgos: str | None
    evidencia_recolectada: str | None
    analisis_laboratorio: str | None
    causa_raiz: str | None
    acciones_correctivas: str | None
    acciones_preventivas: str | None
    investigador_id: Id | None


class InvestigacionUpdate(AvanceInvestigacion, total=False):
    estado: EstadoInvestigacion | None


class ColaboradorCreate(TypedDict, total=False):
    nombre: Required[str]
    cargo: Required[str]
    email: str | None
    telefono: str | None


class WebhookCreate(TypedDict, total=False):
    url: Required[str]
    events: Required[Sequence[Evento]]
    description: str | None


class WebhookUpdate(TypedDict, total=False):
    url: str
    events: Sequence[Evento]
    description: str | None
    enabled: bool
