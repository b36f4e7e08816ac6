"""Conversation and transcript I/O shapes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from vetanco.schemas import Input


class Recibido(BaseModel):
    status: Literal["ok"] = "ok"
    received: bool = True


class ConversacionRead(BaseModel):
    id: uuid.UUID
    telefono: str
    contact_name: str | None
    paso: str
    requiere_humano: bool
    ultimo_entrante_at: datetime | None
    updated_at: datetime


class ConversacionList(BaseModel):
    data: list[ConversacionRead]


class MensajeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    direccion: Literal["entrante", "saliente"]
    tipo: str
    texto: str | None
    estado: str = Field(
        description="recibido, pendiente, enviado, entregado, leido, fallido u omitido"
    )
    autor: str
    wamid: str | None
    ultimo_error: str | None
    created_at: datetime
    contenido: dict[str, Any]


class MensajeList(BaseModel):
    data: list[MensajeRead]


class MensajeCasoList(MensajeList):
    numero_caso: str


class MensajeHumano(Input):
    texto: str = Field(
        min_length=1,
        max_length=4096,
        examples=["Hola Juan, soy Ana de Calidad. ¿Podés mandarnos una foto del lote?"],
    )
