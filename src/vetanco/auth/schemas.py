"""API-key I/O shapes."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from vetanco.auth.roles import Role


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: what the history records and the rate limit counts."""

    key_id: uuid.UUID
    name: str
    role: str
    tipo: str = "apikey"

    @property
    def actor(self) -> str:
        return f"{self.tipo}:{self.name}"


class ApiKeyCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.\-]+$", examples=["erp"])
    role: Role = Field(examples=["colaborador"])


class ApiKeyRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    role: str
    prefix: str
    created_at: datetime
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyRead):
    key: str = Field(description="La clave completa; se muestra sólo esta vez.")


class ApiKeyList(BaseModel):
    data: list[ApiKeyRead]
