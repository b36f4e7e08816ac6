"""Staff I/O shapes."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from vetanco.schemas import Input, Success


class ColaboradorCreate(Input):
    nombre: str = Field(min_length=1, max_length=200, examples=["María González"])
    cargo: str = Field(min_length=1, max_length=200, examples=["Asesora de Ventas"])
    email: EmailStr | None = Field(default=None, examples=["maria.gonzalez@vetanco.com"])
    telefono: str | None = Field(
        default=None, max_length=40, pattern=r"^\+?[\d\s()\-.]{6,40}$", examples=["11-4444-5555"]
    )


class ColaboradorRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    nombre: str
    cargo: str
    email: str | None
    telefono: str | None
    activo: bool
    created_at: datetime


class ColaboradorCreado(Success):
    colaborador: ColaboradorRead


class ColaboradorList(BaseModel):
    data: list[ColaboradorRead]
