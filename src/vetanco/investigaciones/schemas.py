"""Investigation I/O shapes."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from vetanco.casos.schemas import InvestigacionResumen
from vetanco.schemas import Input, Success


class EstadoInvestigacion(StrEnum):
    en_proceso = "en_proceso"
    completada = "completada"


class InvestigacionCreate(Input):
    investigador_id: uuid.UUID = Field(examples=["3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f"])


class InvestigacionUpdate(Input):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "hallazgos": "Se detectó contaminación en el lote ABC123",
                    "evidencia_recolectada": "Muestras enviadas a laboratorio externo",
                    "analisis_laboratorio": "Informe Lab-2025-456 confirma contaminación",
                    "causa_raiz": "Falla en limpieza de tanque de mezclado",
                    "acciones_correctivas": "Limpieza profunda y recalibración de equipos",
                }
            ]
        }
    )

    hallazgos: str | None = Field(
        default=None, max_length=20_000, examples=["Se detectó contaminación en el lote ABC123"]
    )
    evidencia_recolectada: str | None = Field(
        default=None, max_length=20_000, examples=["Muestras enviadas a laboratorio externo"]
    )
    analisis_laboratorio: str | None = Field(
        default=None, max_length=20_000, examples=["Informe Lab-2025-456 confirma contaminación"]
    )
    causa_raiz: str | None = Field(
        default=None, max_length=20_000, examples=["Falla en limpieza de tanque de mezclado"]
    )
    acciones_correctivas: str | None = Field(
        default=None, max_length=20_000, examples=["Limpieza profunda y recalibración de equipos"]
    )
    acciones_preventivas: str | None = Field(default=None, max_length=20_000)
    investigador_id: uuid.UUID | None = None
    estado: EstadoInvestigacion | None = Field(default=None, examples=["en_proceso"])


class InvestigacionIniciada(BaseModel):
    id: uuid.UUID
    caso_numero: str = Field(examples=["VET-2025-00123"])
    investigador: str = Field(examples=["Dr. Carlos López"])
    fecha_inicio: datetime
    estado: EstadoInvestigacion


class InvestigacionCreada(Success):
    investigacion: InvestigacionIniciada


class InvestigacionActualizadaResumen(BaseModel):
    id: uuid.UUID
    estado: EstadoInvestigacion
    updated_at: datetime


class InvestigacionActualizada(Success):
    investigacion: InvestigacionActualizadaResumen


class InvestigacionRead(InvestigacionResumen):
    caso_numero: str
    created_at: datetime
    updated_at: datetime


class InvestigacionDetalle(BaseModel):
    investigacion: InvestigacionRead
