"""Shapes shared by several domains."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, WithJsonSchema


class Input(BaseModel):
    """Request bodies: unknown fields are an error, so a typo never silently drops data."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Pagination(BaseModel):
    total: int = Field(examples=[45])
    page: int = Field(examples=[1])
    limit: int = Field(examples=[10])
    total_pages: int = Field(examples=[5])

    @classmethod
    def of(cls, *, total: int, page: int, limit: int) -> Pagination:
        return cls(
            total=total,
            page=page,
            limit=limit,
            total_pages=math.ceil(total / limit) if total else 0,
        )


class Success(BaseModel):
    status: Literal["success"] = "success"


Page = Annotated[int, Field(ge=1, le=1_000_000, description="Número de página (desde 1).")]
Limit = Annotated[int, Field(ge=1, le=100, description="Elementos por página (máximo 100).")]


def parse_fecha(value: object) -> date | datetime:
    """A bare date means the whole day; anything with a time is an exact instant (UTC if naive)."""
    if isinstance(value, datetime):
        return _aware(value) or value
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError("fecha inválida: usá ISO 8601, p. ej. 2025-10-18 o 2025-10-18T10:00:00Z")
    text = value.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        parsed = _aware(datetime.fromisoformat(text))
    except ValueError as exc:
        raise ValueError(
            "fecha inválida: usá ISO 8601, p. ej. 2025-10-18 o 2025-10-18T10:00:00Z"
        ) from exc
    assert parsed is not None
    return parsed


FechaFiltro = Annotated[
    date | datetime,
    PlainValidator(parse_fecha),
    WithJsonSchema({"type": "string", "examples": ["2025-10-18", "2025-10-18T10:00:00Z"]}),
    Field(
        description="Fecha ISO (`2025-10-18`, el día entero) o fecha y hora ISO (`2025-10-18T10:00:00Z`)."
    ),
]


def start_of(value: date | datetime | None) -> datetime | None:
    """A date filter 'desde' starts at 00:00 UTC of that day."""
    if value is None or isinstance(value, datetime):
        return _aware(value)
    return datetime.combine(value, time.min, tzinfo=UTC)


def end_of(value: date | datetime | None) -> datetime | None:
    """A date filter 'hasta' includes the whole day: the bound is the next midnight, exclusive."""
    if value is None or isinstance(value, datetime):
        return _aware(value)
    return datetime.combine(value + timedelta(days=1), time.min, tzinfo=UTC)


def _aware(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def rango(
    fecha_desde: date | datetime | None, fecha_hasta: date | datetime | None
) -> tuple[datetime | None, datetime | None]:
    """Both date filters as a half-open UTC interval, rejected when it is empty."""
    from vetanco.errors import ValidationFailed

    desde, hasta = start_of(fecha_desde), end_of(fecha_hasta)
    if desde and hasta and desde >= hasta:
        raise ValidationFailed.field(
            ["query", "fecha_hasta"], "fecha_hasta debe ser posterior a fecha_desde"
        )
    return desde, hasta
