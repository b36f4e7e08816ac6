"""Lot-signal I/O: the list, the detail that answers «¿otros lotes afectados?», the state change."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from vetanco.casos.enums import Criticidad, Estado, TipoCaso
from vetanco.schemas import Input, Pagination, Success
from vetanco.senales.enums import EstadoSenal, MotivoApertura, OrigenVinculo


class SenalUpdate(Input):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "estado": "en_evaluacion",
                    "motivo": "Se pidieron contramuestras del lote a Control de Calidad",
                }
            ]
        }
    )

    estado: EstadoSenal = Field(examples=["en_evaluacion"])
    motivo: str = Field(
        min_length=1,
        max_length=5000,
        examples=["Se pidieron contramuestras del lote a Control de Calidad"],
        description="Obligatorio: por qué cambia el estado",
    )


class SenalCambioRead(BaseModel):
    estado_anterior: EstadoSenal | None = Field(examples=["abierta"])
    estado_nuevo: EstadoSenal = Field(examples=["en_evaluacion"])
    motivo: str
    actor: str = Field(examples=["apikey:calidad"])
    at: datetime


class SenalRead(BaseModel):
    id: uuid.UUID
    producto: str = Field(examples=["Vetancilina 100ml"])
    lote: str = Field(examples=["ABC123"])
    estado: EstadoSenal
    motivo_apertura: MotivoApertura = Field(
        description="umbral: el lote juntó VETANCO_SIGNAL_MIN_CASES reclamos en la ventana; "
        "critico: un reclamo crítico"
    )
    caso_apertura: str = Field(examples=["VET-2025-00123"], description="Caso que la abrió")
    total_casos: int = Field(examples=[3])
    criticos: int = Field(examples=[1], description="Reclamos críticos entre sus casos")
    fecha_primer_caso: datetime | None
    fecha_ultimo_caso: datetime | None
    abierta_at: datetime
    en_evaluacion_at: datetime | None
    descartada_at: datetime | None
    retiro_de_mercado_at: datetime | None
    cerrada_at: datetime | None
    updated_at: datetime


class SenalList(BaseModel):
    data: list[SenalRead]
    pagination: Pagination


class SenalCasoRead(BaseModel):
    numero_caso: str = Field(examples=["VET-2025-00123"])
    tipo_caso: TipoCaso
    criticidad: Criticidad | None
    estado: Estado
    fecha: datetime = Field(description="Fecha de recepción del caso")
    cliente: str | None = Field(examples=["Agropecuaria Los Pinos SA"])
    cuit: str | None = Field(examples=["30-12345678-1"])
    provincia: str | None = Field(
        examples=["Buenos Aires"], description="Deducida del lugar del hecho o del domicilio"
    )
    origen: OrigenVinculo = Field(
        description="apertura: contó para abrirla; posterior: se sumó con la señal vigente"
    )
    vinculado_at: datetime


class SenalClienteRead(BaseModel):
    id: uuid.UUID
    nombre_apellido: str | None
    razon_social: str | None
    cuit: str | None
    casos: int


class SenalProvinciaRead(BaseModel):
    provincia: str = Field(examples=["Buenos Aires"])
    casos: int


class VentanaRead(BaseModel):
    desde: datetime
    hasta: datetime
    dias: int = Field(examples=[30])


class OtroLoteRead(BaseModel):
    lote: str = Field(examples=["ABC124"])
    producto: str = Field(examples=["Vetancilina 100ml"])
    reclamos: int = Field(examples=[2], description="Reclamos del lote dentro de la ventana")
    criticos: int = Field(examples=[0])
    senal_id: uuid.UUID | None = Field(description="Su señal más reciente, si tuvo")
    senal_estado: EstadoSenal | None


class SenalDetalleRead(SenalRead):
    casos: list[SenalCasoRead]
    clientes: list[SenalClienteRead]
    provincias: list[SenalProvinciaRead] = Field(
        description="Provincias deducidas; los casos sin provincia reconocible no suman"
    )
    ventana: VentanaRead = Field(
        description="Los VETANCO_SIGNAL_WINDOW_DAYS días hasta hoy (o hasta el cierre de la señal)"
    )
    reclamos_en_ventana: int = Field(description="Reclamos de este lote dentro de la ventana")
    otros_lotes: list[OtroLoteRead] = Field(
        description="¿Otros lotes afectados? Lotes del mismo producto con reclamos en la ventana"
    )
    historial: list[SenalCambioRead]


class SenalDetalle(BaseModel):
    senal: SenalDetalleRead


class SenalActualizada(Success):
    senal: SenalRead
    cambio: SenalCambioRead
