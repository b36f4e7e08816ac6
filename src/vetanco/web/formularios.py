"""Query-string forms of the dashboard: an empty field means "any", links keep the filters."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from pydantic import BaseModel, ConfigDict, model_validator


class FiltrosGet(BaseModel):
    """A GET form submits every field; the empty ones must not fail validation as bad values."""

    model_config = ConfigDict(extra="ignore")

    @model_validator(mode="before")
    @classmethod
    def _vacios(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {k: v for k, v in data.items() if v not in ("", None)}
        return data


def query_con(request: Request, **cambios: object) -> str:
    """The current query string with some parameters changed (None removes one)."""
    params = {k: v for k, v in request.query_params.items() if v != ""}
    for clave, valor in cambios.items():
        if valor is None:
            params.pop(clave, None)
        else:
            params[clave] = str(valor)
    return urlencode(params)
