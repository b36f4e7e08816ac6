"""Catalogue rows as imported; `activo` accepts the «sí»/«no» people type in a spreadsheet."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field

from vetanco.schemas import Input
from vetanco.text import fold

_SI = {"si", "s", "x", "activo", "true", "1", "yes"}
_NO = {"no", "n", "inactivo", "false", "0", "baja"}


def _si_no(valor: Any) -> Any:
    if isinstance(valor, str):
        texto = fold(valor)
        if texto in _SI:
            return True
        if texto in _NO:
            return False
    return valor


SiNo = Annotated[bool, BeforeValidator(_si_no)]
Texto = Annotated[str, AfterValidator(lambda v: " ".join(v.split()))]


class ProductoFila(Input):
    codigo: str | None = Field(default=None, max_length=50, examples=["VET-0001"])
    nombre: Texto = Field(min_length=2, max_length=200, examples=["Vetancilina"])
    presentacion: Texto | None = Field(default=None, max_length=100, examples=["100 ml"])
    principio_activo: str | None = Field(default=None, max_length=200, examples=["Penicilina"])
    especies: str | None = Field(default=None, max_length=200, examples=["bovinos, ovinos"])
    registro_senasa: str | None = Field(default=None, max_length=50, examples=["12.345"])
    activo: SiNo = True

    @property
    def clave(self) -> str:
        return clave_producto(self.nombre, self.presentacion)


def clave_producto(nombre: str, presentacion: str | None) -> str:
    """'Vetancilina' + '100 ML' and 'vetancilina 100 ml' are the same catalogue entry."""
    return fold(f"{nombre} {presentacion or ''}")[:300]
