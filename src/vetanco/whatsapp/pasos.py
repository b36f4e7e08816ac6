"""The building blocks of a question the bot asks: the answer given, and the step that parses it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from vetanco.whatsapp.salidas import Opcion


class Invalido(ValueError):
    """The answer cannot be used; the message says why, and the same question is asked again."""


@dataclass(frozen=True)
class Respuesta:
    texto: str
    reply_id: str | None
    session: Session
    telefono: str
    reglas_triage: Path | None = None


@dataclass(frozen=True)
class Paso:
    clave: str
    pregunta: Callable[[dict[str, Any], str], str]
    parse: Callable[[Respuesta, dict[str, Any]], Any]
    ayuda: str
    opciones: Callable[[dict[str, Any]], tuple[Opcion, ...]] = lambda _r: ()
    opcional: bool = False
    aplica: Callable[[dict[str, Any]], bool] = lambda _r: True


def q(text: str) -> Callable[[dict[str, Any], str], str]:
    return lambda _r, _tel: text
