"""Case I/O shapes, field for field as in vetanco-api-webhooks.md."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    HttpUrl,
    PlainSerializer,
    ValidationInfo,
    field_validator,
    model_validator,
)

from vetanco.casos.enums import (
    Canal,
    Criticidad,
    Estado,
    EstadoProducto,
    Justificacion,
    TipoCaso,
    TipoUsuarioRegistro,
)
from vetanco.clientes.schemas import ClienteCreate
from vetanco.db import utcnow
from vetanco.farmacovigilancia.schemas import DatosEventoAdverso, EventoAdversoRead
from vetanco.schemas import Input, Pagination, Success
from vetanco.sla.schemas import SlaRead
from vetanco.triage.schemas import SugerenciaRead

CASO_CREATE_EXAMPLE: dict[str, Any] = {
    "tipo_usuario_registro": "colaborador_vetanco",
    "colaborador_id": "3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
    "cliente": {
        "nombre_apellido": "Juan Pérez",
        "razon_social": "Agropecuaria Los Pinos SA",
        "cuit": "30-12345678-1",
        "direccion": "Av. Rivadavia 1234, CABA",
        "telefono": "11-5555-1234",
        "email": "juan@ejemplo.com",
    },
    "producto": {
        "nombre_producto": "Vetancilina 100ml",
        "presentacion": "Frasco",
        "numero_lote": "ABC123",
        "fecha_vencimiento": "2026-12-31",
        "estado_producto": "usado",
        "cantidad_afectada": 10,
        "unidad_medida": "frascos",
    },
    "descripcion": {
        "que_sucedio": "Intoxicación en bovinos",
        "donde_ocurrio": "Establecimiento Las Rosas",
        "cuando_ocurrio": "2025-10-17T14:00:00Z",
        "descripcion_libre": "Informe veterinario adjunto",
    },
    "numero_remito": "0001-00012345",
    "canal": "telefono",
}


class ProductoIn(Input):
    nombre_producto: str = Field(min_length=1, max_length=200, examples=["Vetancilina 100ml"])
    presentacion: str | None = Field(default=None, max_length=100, examples=["Frasco"])
    numero_lote: str | None = Field(default=None, max_length=50, examples=["ABC123"])
    fecha_vencimiento: date | None = Field(default=None, examples=["2026-12-31"])
    estado_producto: EstadoProducto | None = Field(default=None, examples=["usado"])
    cantidad_afectada: float | None = Field(default=None, ge=0, le=1e9, examples=[10])
    unidad_medida: str | None = Field(default=None, max_length=30, examples=["frascos"])


class DescripcionIn(Input):
    que_sucedio: str = Field(min_length=3, max_length=10_000, examples=["Intoxicación en bovinos"])
    donde_ocurrio: str | None = Field(
        default=None, max_length=500, examples=["Establecimiento Las Rosas"]
    )
    cuando_ocurrio: datetime | None = Field(default=None, examples=["2025-10-17T14:00:00Z"])
    descripcion_libre: str | None = Field(
        default=None, max_length=10_000, examples=["Informe veterinario adjunto"]
    )

    @model_validator(mode="after")
    def _not_future(self) -> DescripcionIn:
        when = self.cuando_ocurrio
        if (
            when is not None
            and (when if when.tzinfo else when.replace(tzinfo=utcnow().tzinfo)) > utcnow()
        ):
            raise ValueError("cuando_ocurrio no puede estar en el futuro")
        return self


class AdjuntoIn(Input):
    tipo: Literal["foto", "video", "audio", "documento"] = Field(examples=["foto"])
    url: HttpUrl = Field(examples=["https://storage.ejemplo.com/producto_defecto.jpg"])
    nombre: str | None = Field(default=None, max_length=300, examples=["producto_defecto.jpg"])


class ClasificacionIn(Input):
    """Classification fields shared by creation and PUT …/clasificar; errors point at the field."""

    tipo_caso: TipoCaso | None = Field(default=None, examples=["reclamo"])
    criticidad: Criticidad | None = Field(default=None, validate_default=True, examples=["critico"])
    justificacion: Justificacion | None = Field(
        default=None, validate_default=True, examples=["justificado"]
    )

    @field_validator("tipo_caso")
    @classmethod
    def _classified(cls, value: TipoCaso | None) -> TipoCaso | None:
        if value == TipoCaso.pendiente_clasificacion:
            raise ValueError("tipo_caso debe ser reclamo, queja o comentario")
        return value

    @field_validator("criticidad")
    @classmethod
    def _criticidad_only_for_reclamos(
        cls, value: Criticidad | None, info: ValidationInfo
    ) -> Criticidad | None:
        tipo = info.data.get("tipo_caso")
        if tipo == TipoCaso.reclamo and value is None:
            raise ValueError("un reclamo necesita criticidad (critico, mayor o menor)")
        if tipo in (TipoCaso.queja, TipoCaso.comentario) and value is not None:
            raise ValueError("criticidad sólo aplica a reclamos")
        if tipo is None and value is not None and "tipo_caso" in info.data:
            raise ValueError("indicá tipo_caso para clasificar el caso")
        return value

    @field_validator("justificacion")
    @classmethod
    def _justificacion_needs_tipo(
        cls, value: Justificacion | None, info: ValidationInfo
    ) -> Justificacion | None:
        if value is not None and info.data.get("tipo_caso") is None and "tipo_caso" in info.data:
            raise ValueError("indicá tipo_caso para clasificar el caso")
        return value


class CasoCreate(ClasificacionIn):
    model_config = ConfigDict(json_schema_extra={"examples": [CASO_CREATE_EXAMPLE]})

    tipo_usuario_registro: TipoUsuarioRegistro | None = Field(
        default=None, examples=["colaborador_vetanco"]
    )
    colaborador_id: uuid.UUID | None = Field(default=None, validate_default=True, examples=[None])
    cliente: ClienteCreate
    producto: ProductoIn | None = None
    productos: list[ProductoIn] | None = Field(default=None, max_length=20, validate_default=True)
    descripcion: DescripcionIn
    numero_remito: str | None = Field(default=None, max_length=50, examples=["0001-00012345"])
    canal: Canal = Field(default=Canal.api, examples=["telefono"])
    adjuntos: list[AdjuntoIn] = Field(default_factory=list, max_length=20)
    evento_adverso: DatosEventoAdverso | None = Field(
        default=None, description="Datos VICH GL42 si hubo daño o falta de eficacia"
    )

    @field_validator("colaborador_id")
    @classmethod
    def _colaborador_when_staff(
        cls, value: uuid.UUID | None, info: ValidationInfo
    ) -> uuid.UUID | None:
        tipo = info.data.get("tipo_usuario_registro")
        if tipo == TipoUsuarioRegistro.colaborador_vetanco and value is None:
            raise ValueError("colaborador_id es obligatorio cuando registra un colaborador_vetanco")
        return value

    @field_validator("productos")
    @classmethod
    def _productos(
        cls, value: list[ProductoIn] | None, info: ValidationInfo
    ) -> list[ProductoIn] | None:
        producto = info.data.get("producto")
        if producto is not None and value:
            raise ValueError("enviá producto o productos, no ambos")
        if info.data.get("tipo_caso") == TipoCaso.reclamo and producto is None and not value:
            raise ValueError("un reclamo necesita al menos un producto (producto o productos)")
        return value

    @model_validator(mode="after")
    def _infer_registrante(self) -> CasoCreate:
        if self.tipo_usuario_registro is None:
            self.tipo_usuario_registro = (
                TipoUsuarioRegistro.colaborador_vetanco
                if self.colaborador_id
                else TipoUsuarioRegistro.cliente
            )
        return self

    def todos_los_productos(self) -> list[ProductoIn]:
        return [self.producto] if self.producto else list(self.productos or [])


class ClienteResumen(BaseModel):
    nombre: str | None = Field(examples=["Juan Pérez"])
    razon_social: str | None = Field(examples=["Agropecuaria Los Pinos SA"])
    cuit: str | None = Field(examples=["30-12345678-1"])


class ProductoResumen(BaseModel):
    nombre: str = Field(examples=["Vetancilina 100ml"])
    lote: str | None = Field(examples=["ABC123"])


class CasoListItem(BaseModel):
    id: uuid.UUID
    numero_caso: str = Field(examples=["VET-2025-00123"])
    tipo_caso: TipoCaso
    criticidad: Criticidad | None
    justificacion: Justificacion | None
    estado: Estado
    canal: Canal
    cliente: ClienteResumen
    producto: ProductoResumen | None
    descripcion_que_sucedio: str = Field(examples=["Intoxicación en bovinos..."])
    created_at: datetime
    updated_at: datetime
    evento_adverso: bool = False
    sla: str | None = Field(
        default=None, examples=["en_riesgo"], description="El peor estado de sus relojes SLA"
    )
    posible_duplicado_de: str | None = None


class CasoList(BaseModel):
    data: list[CasoListItem]
    pagination: Pagination


class ClienteDetalle(BaseModel):
    id: uuid.UUID
    nombre_apellido: str | None
    razon_social: str | None
    cuit: str | None
    telefono: str | None
    email: str | None
    direccion: str | None


class ColaboradorResumen(BaseModel):
    id: uuid.UUID
    nombre: str = Field(examples=["María González"])
    cargo: str = Field(examples=["Asesora de Ventas"])


def _whole_as_int(value: float | None) -> float | int | None:
    """10.0 leaves as 10, as the spec shows it; 2.5 stays 2.5."""
    return int(value) if value is not None and float(value).is_integer() else value


class ProductoRead(BaseModel):
    nombre_producto: str
    presentacion: str | None
    numero_lote: str | None
    fecha_vencimiento: date | None
    estado_producto: str | None
    cantidad_afectada: Annotated[float | None, PlainSerializer(_whole_as_int)]
    unidad_medida: str | None


class DescripcionRead(BaseModel):
    que_sucedio: str
    donde_ocurrio: str | None
    cuando_ocurrio: datetime | None
    descripcion_libre: str | None


class AdjuntoRead(BaseModel):
    id: uuid.UUID
    tipo: str = Field(examples=["foto"])
    url: str
    nombre: str | None = Field(examples=["producto_defecto.jpg"])
    estado: str = Field(
        description="externo, pendiente, descargado, rechazado o fallido", examples=["descargado"]
    )
    mime_type: str | None = None
    sha256: str | None = None


class InvestigacionResumen(BaseModel):
    id: uuid.UUID
    estado: str = Field(examples=["en_proceso"])
    investigador: str = Field(examples=["Dr. Carlos López"])
    investigador_id: uuid.UUID
    fecha_inicio: datetime
    fecha_fin: datetime | None
    hallazgos: str | None
    evidencia_recolectada: str | None
    analisis_laboratorio: str | None
    causa_raiz: str | None
    acciones_correctivas: str | None
    acciones_preventivas: str | None


class TareaRetenResumen(BaseModel):
    id: str = Field(examples=["task_001"])
    title: str | None
    status: str | None
    assigned_to: str | None
    due_date: datetime | None


class CasoRead(BaseModel):
    id: uuid.UUID
    numero_caso: str = Field(examples=["VET-2025-00123"])
    tipo_caso: TipoCaso
    criticidad: Criticidad | None
    justificacion: Justificacion | None
    estado: Estado
    canal: Canal
    tipo_usuario_registro: TipoUsuarioRegistro
    cliente: ClienteDetalle
    colaborador_registro: ColaboradorResumen | None
    productos_afectados: list[ProductoRead]
    descripcion: DescripcionRead
    numero_remito: str | None
    adjuntos: list[AdjuntoRead]
    investigacion: InvestigacionResumen | None
    tareas_reten: list[TareaRetenResumen] = Field(default_factory=list)
    resolucion: str | None
    acciones_correctivas: str | None
    acciones_preventivas: str | None
    created_at: datetime
    updated_at: datetime
    clasificado_at: datetime | None
    en_investigacion_at: datetime | None
    resuelto_at: datetime | None
    cerrado_at: datetime | None
    primera_respuesta_at: datetime | None = None
    triage: SugerenciaRead | None = Field(
        default=None, description="Sugerencia automática de clasificación y sus razones"
    )
    evento_adverso: EventoAdversoRead | None = None
    sla: SlaRead | None = None
    posible_duplicado_de: str | None = None
    fusionado_en: str | None = None


class CasoDetalle(BaseModel):
    caso: CasoRead


class CasoCreadoResumen(BaseModel):
    id: uuid.UUID
    numero_caso: str = Field(examples=["VET-2025-00124"])
    created_at: datetime


class CasoCreado(Success):
    caso: CasoCreadoResumen


class CasoClasificar(ClasificacionIn):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "tipo_caso": "reclamo",
                    "criticidad": "critico",
                    "justificacion": "justificado",
                    "motivo": "Análisis de laboratorio confirmó contaminación del lote",
                    "evidencias": "Informe Lab-2025-456",
                    "clasificado_por": "3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
                }
            ]
        }
    )

    tipo_caso: TipoCaso = Field(examples=["reclamo"])
    motivo: str | None = Field(
        default=None,
        max_length=5000,
        examples=["Análisis de laboratorio confirmó contaminación del lote"],
    )
    evidencias: str | None = Field(default=None, max_length=5000, examples=["Informe Lab-2025-456"])
    clasificado_por: uuid.UUID | None = Field(default=None, examples=[None])


class CasoClasificado(BaseModel):
    numero_caso: str
    tipo_caso: TipoCaso
    criticidad: Criticidad | None
    justificacion: Justificacion | None
    updated_at: datetime


class ClasificacionRegistrada(BaseModel):
    id: uuid.UUID
    created_at: datetime


class ClasificacionResponse(Success):
    caso: CasoClasificado
    clasificacion_registrada: ClasificacionRegistrada


class CasoEstadoUpdate(Input):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "estado": "resuelto",
                    "resolucion": "Se reemplazó el lote completo y se compensó al cliente",
                    "acciones_correctivas": "Revisión de proceso de control de calidad",
                    "acciones_preventivas": "Implementación de double-check en llenado",
                }
            ]
        }
    )

    estado: Estado = Field(examples=["resuelto"])
    resolucion: str | None = Field(
        default=None,
        max_length=10_000,
        examples=["Se reemplazó el lote completo y se compensó al cliente"],
    )
    acciones_correctivas: str | None = Field(
        default=None, max_length=10_000, examples=["Revisión de proceso de control de calidad"]
    )
    acciones_preventivas: str | None = Field(
        default=None, max_length=10_000, examples=["Implementación de double-check en llenado"]
    )
    motivo: str | None = Field(default=None, max_length=5000)


class CasoEstadoResumen(BaseModel):
    numero_caso: str
    estado: Estado
    updated_at: datetime


class EstadoResponse(Success):
    caso: CasoEstadoResumen


class HistorialEntry(BaseModel):
    id: uuid.UUID
    secuencia: int
    accion: str = Field(examples=["estado_actualizado"])
    actor: str = Field(examples=["apikey:erp"])
    colaborador_id: uuid.UUID | None
    cambios: dict[str, Any] = Field(
        examples=[{"estado": {"antes": "nuevo", "despues": "resuelto"}}]
    )
    motivo: str | None
    created_at: datetime
    hash_anterior: str
    hash: str


class HistorialList(BaseModel):
    numero_caso: str
    data: list[HistorialEntry]


class FusionarIn(Input):
    en: str = Field(pattern=r"^VET-\d{4}-\d{5,}$", examples=["VET-2025-00123"])
    motivo: str | None = Field(default=None, max_length=2000, examples=["Mismo episodio"])


class FusionResponse(Success):
    numero_caso: str = Field(examples=["VET-2025-00124"])
    estado: Estado
    fusionado_en: str = Field(examples=["VET-2025-00123"])
    productos_agregados: list[str]
    adjuntos_agregados: int
