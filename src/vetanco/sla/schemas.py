"""How a case's clocks are shown: target, deadline, state and what is left."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from vetanco.schemas import Input


class RelojRead(BaseModel):
    objetivo_horas: float = Field(
        examples=[4], description="Horas hábiles (SLA) o corridas (reporte regulatorio)"
    )
    inicio: datetime
    vence: datetime
    en_riesgo_desde: datetime
    estado: str = Field(
        examples=["en_curso"],
        description="en_curso, en_riesgo, vencido, pausado, cumplido o cumplido_tarde",
    )
    cumplido_at: datetime | None
    restante_horas: float | None = Field(
        description="Horas hábiles que faltan (negativas si venció); null si se cumplió"
    )
    horas_en_pausa: float


class SlaRead(BaseModel):
    politica: str = Field(examples=["critico"], description="Objetivo aplicado")
    estado: str = Field(examples=["en_curso"], description="El peor estado de los dos relojes")
    pausado: bool = Field(description="Esperando al cliente: los relojes no corren")
    primera_respuesta: RelojRead
    resolucion: RelojRead


class EsperaIn(Input):
    esperando_cliente: bool = Field(examples=[True])
    motivo: str | None = Field(default=None, max_length=2000, examples=["Pedimos fotos del lote"])
