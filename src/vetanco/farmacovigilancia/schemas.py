"""Adverse-event I/O: the VICH GL42 elements a vet or the bot can give, and the regulatory clock."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from vetanco.schemas import Input, Success


class Desenlace(StrEnum):
    """VICH GL42 outcome to date."""

    recuperado = "recuperado"
    recuperado_con_secuelas = "recuperado_con_secuelas"
    en_curso = "en_curso"
    muerte = "muerte"
    eutanasia = "eutanasia"
    desconocido = "desconocido"


class ViaAdministracion(StrEnum):
    intramuscular = "intramuscular"
    subcutanea = "subcutanea"
    intravenosa = "intravenosa"
    oral = "oral"
    pour_on = "pour_on"
    topica = "topica"
    intramamaria = "intramamaria"
    intrauterina = "intrauterina"
    en_agua_o_alimento = "en_agua_o_alimento"
    otra = "otra"


class DatosEventoAdverso(Input):
    especie: str | None = Field(default=None, max_length=100, examples=["bovino"])
    animales_tratados: int | None = Field(default=None, ge=0, le=10_000_000, examples=[50])
    animales_afectados: int | None = Field(default=None, ge=0, le=10_000_000, examples=[5])
    animales_muertos: int | None = Field(default=None, ge=0, le=10_000_000, examples=[3])
    dosis: str | None = Field(default=None, max_length=200, examples=["10 ml por animal"])
    via_administracion: ViaAdministracion | None = Field(default=None, examples=["intramuscular"])
    fecha_aplicacion: date | None = Field(default=None, examples=["2025-10-16"])
    desenlace: Desenlace | None = Field(default=None, examples=["muerte"])
    grave: bool | None = Field(
        default=None, description="Evento grave a fines regulatorios (si se omite, se deduce)"
    )
    falta_de_eficacia: bool | None = None
    exposicion_humana: bool | None = None
    observaciones: str | None = Field(default=None, max_length=5000)

    @field_validator("animales_afectados")
    @classmethod
    def _afectados(cls, value: int | None, info: ValidationInfo) -> int | None:
        tratados = info.data.get("animales_tratados")
        if value is not None and tratados is not None and value > tratados:
            raise ValueError("no puede superar a animales_tratados")
        return value

    @field_validator("animales_muertos")
    @classmethod
    def _muertos(cls, value: int | None, info: ValidationInfo) -> int | None:
        afectados = info.data.get("animales_afectados")
        if value is not None and afectados is not None and value > afectados:
            raise ValueError("no puede superar a animales_afectados")
        return value


class EventoAdversoUpdate(DatosEventoAdverso):
    es_evento_adverso: bool = True
    motivo: str | None = Field(default=None, max_length=2000)


class ReporteRegulatorioIn(Input):
    referencia: str = Field(min_length=1, max_length=200, examples=["SENASA-FV-2025-0042"])
    presentado_at: datetime | None = Field(default=None, examples=["2025-10-20T15:00:00Z"])
    autoridad: str | None = Field(default=None, max_length=50, examples=["SENASA"])


class ReporteRegulatorioRead(BaseModel):
    autoridad: str | None
    plazo_dias: int | None
    vence: datetime | None
    estado: str = Field(
        examples=["pendiente"], description="pendiente, por_vencer, vencido, presentado"
    )
    presentado_at: datetime | None
    referencia: str | None
    aviso: str = Field(
        description="El plazo es configurable y debe confirmarlo Asuntos Regulatorios."
    )


class EventoAdversoRead(BaseModel):
    es_evento_adverso: bool
    origen: str | None = Field(examples=["triage"], description="triage, api, whatsapp o manual")
    grave: bool
    falta_de_eficacia: bool
    exposicion_humana: bool
    especie: str | None
    animales_tratados: int | None
    animales_afectados: int | None
    animales_muertos: int | None
    dosis: str | None
    via_administracion: str | None
    fecha_aplicacion: date | None
    desenlace: str | None
    observaciones: str | None
    datos_faltantes: list[str] = Field(
        description="Elementos VICH GL42 que todavía no se conocen", examples=[["dosis"]]
    )
    reporte_regulatorio: ReporteRegulatorioRead | None


class EventoAdversoResponse(Success):
    numero_caso: str
    evento_adverso: EventoAdversoRead | None
