"""The suggestion shown on a case: class, confidence and the phrases behind it."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class Razon(BaseModel):
    regla: str = Field(examples=["muerte"])
    frase: str = Field(examples=["murieron"], description="Lo que se leyó en el texto")
    patron: str = Field(examples=["muri*"], description="La frase de la regla que coincidió")
    tipo_caso: str
    criticidad: str | None
    peso: float


class SugerenciaRead(BaseModel):
    tipo_caso: str = Field(examples=["reclamo"])
    criticidad: str | None = Field(examples=["critico"])
    confianza: float = Field(examples=[0.95])
    evento_adverso: bool
    grave: bool
    aplicada: bool = Field(description="Se aplicó sola por superar VETANCO_TRIAGE_AUTO_THRESHOLD")
    razones: list[Razon]
    descartadas: list[Razon] = Field(
        description="Frases encontradas pero negadas ('no hubo muertes')"
    )
    version_reglas: str
    created_at: datetime
