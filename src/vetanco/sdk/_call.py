"""What one API call is, independent of sync or async: method, path, query, body, parser."""

from __future__ import annotations

import dataclasses
import enum
import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Generic, Literal, TypeVar
from urllib.parse import quote, unquote

import httpx
from pydantic import BaseModel

T_co = TypeVar("T_co", covariant=True)
M = TypeVar("M", bound=BaseModel)

Method = Literal["GET", "POST", "PUT", "PATCH", "DELETE"]
RETRY_SAFE_METHODS: frozenset[str] = frozenset({"GET", "PUT", "DELETE"})
NO_BODY: Any = object()


@dataclass(frozen=True, slots=True)
class Call(Generic[T_co]):
    """A request spec built by a resource method; a sync or async runner sends it."""

    method: Method
    path: str
    parse: Callable[[httpx.Response], T_co]
    params: Mapping[str, Any] = field(default_factory=dict)
    body: Any = NO_BODY
    idempotency_key: str | None = None

    @property
    def retry_safe(self) -> bool:
        """Repeating it cannot do the work twice: idempotent verb, or the server dedups the POST."""
        return self.method in RETRY_SAFE_METHODS or self.idempotency_key is not None

    def with_params(self, **params: Any) -> Call[T_co]:
        return dataclasses.replace(self, params={**self.params, **params})


@dataclass(frozen=True, slots=True)
class Descarga:
    """A downloaded file (an attachment): its bytes plus what the server said about them."""

    data: bytes
    content_type: str | None
    filename: str | None


def segment(value: str | uuid.UUID) -> str:
    """One path segment, escaped so a value can never change the route."""
    return quote(str(value), safe="")


def query_value(value: Any) -> str | list[str]:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return query_value(value.value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | tuple | set | frozenset):
        return [v for item in value for v in _as_list(query_value(item))]
    return str(value)


def _as_list(value: str | list[str]) -> list[str]:
    return value if isinstance(value, list) else [value]


def query(params: Mapping[str, Any]) -> list[tuple[str, str | int | float | bool | None]]:
    """Query pairs: None means 'no filter' and is left out; booleans go as true/false."""
    return [
        (name, item)
        for name, value in params.items()
        if value is not None
        for item in _as_list(query_value(value))
    ]


def model(cls: type[M]) -> Callable[[httpx.Response], M]:
    """Parser of a JSON body into a (lenient) response model."""

    def parse(response: httpx.Response) -> M:
        return cls.model_validate_json(response.content)

    return parse


def nothing(response: httpx.Response) -> None:
    """Parser of a 204 No Content."""
    return None


_FILENAME_STAR = re.compile(r"filename\*=(?:UTF-8'')?([^;]+)", re.I)
_FILENAME = re.compile(r'filename="?([^";]+)"?', re.I)


def download(response: httpx.Response) -> Descarga:
    disposition = response.headers.get("content-disposition", "")
    star, plain = _FILENAME_STAR.search(disposition), _FILENAME.search(disposition)
    filename = unquote(star.group(1).strip().strip('"')) if star else None
    return Descarga(
        data=response.content,
        content_type=response.headers.get("content-type"),
        filename=filename or (plain.group(1) if plain else None),
    )


def optional(cls: type[M]) -> Callable[[httpx.Response], M | None]:
    """Parser of a body that is a model or JSON null."""

    def parse(response: httpx.Response) -> M | None:
        return (
            None
            if response.content.strip() == b"null"
            else cls.model_validate_json(response.content)
        )

    return parse


def get(path: str, cls: type[M], params: Mapping[str, Any] | None = None) -> Call[M]:
    return Call("GET", path, model(cls), params=dict(params or {}))


def send(
    method: Method,
    path: str,
    cls: type[M],
    body: Any = NO_BODY,
    *,
    params: Mapping[str, Any] | None = None,
) -> Call[M]:
    return Call(method, path, model(cls), params=dict(params or {}), body=body)
