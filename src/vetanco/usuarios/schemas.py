"""Staff-account I/O shapes."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator

from vetanco.auth.roles import Role

PASSWORD_MIN = 10


class UsuarioCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr
    nombre: str = Field(min_length=1, max_length=200)
    rol: Role
    password: str = Field(min_length=PASSWORD_MIN, max_length=200)

    @field_validator("email")
    @classmethod
    def _lower(cls, value: str) -> str:
        return value.lower()


class UsuarioRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str
    nombre: str
    rol: str
    activo: bool
    bloqueado_hasta: datetime | None
    ultimo_ingreso_at: datetime | None
    created_at: datetime
