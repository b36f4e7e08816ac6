"""Base of every response model: lenient, so fields a newer server adds never break a client."""

from __future__ import annotations

from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

I = TypeVar("I")  # noqa: E741


class Modelo(BaseModel):
    """Unknown fields are kept (in `model_extra`), never rejected."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


class Pagination(Modelo):
    total: int
    page: int
    limit: int
    total_pages: int


class Pagina(Modelo, Generic[I]):
    """One page of a list endpoint: `data` plus the `pagination` block."""

    data: list[I]
    pagination: Pagination


class Lista(Modelo, Generic[I]):
    """A list endpoint without pagination."""

    data: list[I]


class Success(Modelo):
    status: Literal["success"] | str = "success"
