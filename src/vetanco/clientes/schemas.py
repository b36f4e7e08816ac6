"""Client I/O shapes; the CUIT is checked with python-stdnum and stored as XX-XXXXXXXX-X."""

from __future__ import annotations

import uuid
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field, model_validator
from stdnum.ar import cuit as stdnum_cuit
from stdnum.exceptions import ValidationError as StdnumError

from vetanco.schemas import Input, Pagination


def normalizar_cuit(value: str) -> str:
    try:
        return str(stdnum_cuit.format(stdnum_cuit.validate(value)))
    except StdnumError as exc:
        raise ValueError("CUIT inválido: revisá los 11 dígitos y el dígito verificador") from exc


Cuit = Annotated[str, AfterValidator(normalizar_cuit)]


class ClienteCreate(Input):
    nombre_apellido: str | None = Field(default=None, max_length=200, examples=["Juan Pérez"])
    razon_social: str | None = Field(
        default=None, max_length=200, examples=["Agropecuaria Los Pinos SA"]
    )
    cuit: Cuit | None = Field(default=None, examples=["30-12345678-1"])
    direccion: str | None = Field(
        default=None, max_length=300, examples=["Av. Rivadavia 1234, CABA"]
    )
    telefono: str | None = Field(
        default=None, max_length=40, pattern=r"^\+?[\d\s()\-.]{6,40}$", examples=["11-5555-1234"]
    )
    email: EmailStr | None = Field(default=None, examples=["juan@ejemplo.com"])

    @model_validator(mode="after")
    def _named(self) -> ClienteCreate:
        if not (self.nombre_apellido or self.razon_social):
            raise ValueError("indicá nombre_apellido o razon_social del cliente")
        return self


class ClienteRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    nombre_apellido: str | None = Field(examples=["Juan Pérez"])
    razon_social: str | None = Field(examples=["Agropecuaria Los Pinos SA"])
    cuit: str | None = Field(examples=["30-12345678-1"])
    telefono: str | None = Field(examples=["11-5555-1234"])
    email: str | None = Field(examples=["juan@ejemplo.com"])
    direccion: str | None = Field(default=None, examples=["Av. Rivadavia 1234, CABA"])


class ClienteListItem(ClienteRead):
    total_casos: int = Field(examples=[5])
    casos_abiertos: int = Field(examples=[1])


class ClienteList(BaseModel):
    data: list[ClienteListItem]
    pagination: Pagination


class ClienteFila(ClienteCreate):
    """One row of `vetanco import clientes`: it must say who the client is, to update it later."""

    @model_validator(mode="after")
    def _identificable(self) -> ClienteFila:
        if not (self.cuit or self.telefono):
            raise ValueError("indicá cuit o telefono: sin ellos no se puede reconocer al cliente")
        return self
