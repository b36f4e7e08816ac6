"""Bulk import: every row validated and reported; valid rows upserted, invalid ones skipped."""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from vetanco.db import Database
from vetanco.planillas.lectura import Hoja

M = TypeVar("M", bound=BaseModel)
TANDA = 500


class Cambio(enum.StrEnum):
    creada = "creada"
    actualizada = "actualizada"
    sin_cambios = "sin_cambios"


class FilaRechazada(Exception):
    """A valid-looking row that contradicts the database (e.g. a code already taken)."""

    def __init__(self, campo: str, mensaje: str) -> None:
        super().__init__(mensaje)
        self.campo = campo
        self.mensaje = mensaje


class Importador(Protocol[M]):
    """What one kind of row needs: its schema, its identity within the file, and how to store it."""

    modelo: type[M]
    retira_ausentes: bool

    def clave(self, fila: M) -> str | None: ...

    def aplicar(self, session: Session, *, fila: M) -> Cambio: ...

    def terminar(self, session: Session) -> int:
        """After a clean file: e.g. retire what the file no longer lists; returns how many."""
        ...


@dataclass(frozen=True)
class Problema:
    fila: int
    campo: str
    mensaje: str
    valor: str = ""


@dataclass
class Resultado:
    dry_run: bool
    leidas: int = 0
    creadas: int = 0
    actualizadas: int = 0
    sin_cambios: int = 0
    rechazadas: int = 0
    desactivadas: int = 0
    ignoradas: list[str] = field(default_factory=list)
    avisos: list[str] = field(default_factory=list)
    problemas: list[Problema] = field(default_factory=list)

    def contar(self, cambio: Cambio) -> None:
        if cambio is Cambio.creada:
            self.creadas += 1
        elif cambio is Cambio.actualizada:
            self.actualizadas += 1
        else:
            self.sin_cambios += 1


_MENSAJES = {
    "missing": "obligatorio",
    "string_too_short": "demasiado corto (mínimo {min_length} caracteres)",
    "string_too_long": "demasiado largo (máximo {max_length} caracteres)",
    "string_pattern_mismatch": "formato inválido",
    "bool_parsing": "usá «sí» o «no»",
    "extra_forbidden": "columna desconocida",
}


def mensaje(error: Any) -> str:
    """Pydantic's messages in the users' Spanish; our own validators already speak it."""
    plantilla = _MENSAJES.get(error["type"])
    if plantilla:
        return plantilla.format(**error.get("ctx", {}))
    texto = str(error.get("msg", ""))
    if texto.startswith("Value error, "):
        return texto.removeprefix("Value error, ")
    if "email" in texto:
        return "email inválido (ej. juan@ejemplo.com)"
    return "valor inválido"


class Corrida(Generic[M]):
    """One import run over a read sheet; a dry run does all the work and rolls it back."""

    def __init__(self, importador: Importador[M], hoja: Hoja, *, dry_run: bool) -> None:
        self.importador = importador
        self.hoja = hoja
        self.resultado = Resultado(dry_run=dry_run, ignoradas=list(hoja.ignoradas))
        self._vistas: dict[str, int] = {}

    def _validar(self, numero: int, crudo: dict[str, str]) -> M | None:
        datos = {k: v for k, v in crudo.items() if v != ""}
        try:
            fila = self.importador.modelo.model_validate(datos)
        except ValidationError as exc:
            for error in exc.errors():
                campo = ".".join(str(p) for p in error["loc"]) or "fila"
                valor = crudo.get(campo, "")
                self.resultado.problemas.append(Problema(numero, campo, mensaje(error), valor))
            return None
        clave = self.importador.clave(fila)
        if clave is not None:
            anterior = self._vistas.setdefault(clave, numero)
            if anterior != numero:
                texto = f"repetida: la misma clave ({clave}) ya está en la fila {anterior}"
                self.resultado.problemas.append(Problema(numero, "fila", texto, clave))
                return None
        return fila

    def _fila(self, session: Session, numero: int, crudo: dict[str, str]) -> None:
        self.resultado.leidas += 1
        fila = self._validar(numero, crudo)
        if fila is None:
            self.resultado.rechazadas += 1
            return
        try:
            cambio = self.importador.aplicar(session, fila=fila)
        except FilaRechazada as exc:
            valor = crudo.get(exc.campo, "")
            self.resultado.problemas.append(Problema(numero, exc.campo, exc.mensaje, valor))
            self.resultado.rechazadas += 1
            return
        self.resultado.contar(cambio)

    def ejecutar(self, db: Database, *, avance: Callable[[int], None] | None = None) -> Resultado:
        """A real run commits every few hundred rows: upserts make a re-run after a crash safe."""
        with db.session() as session:
            try:
                for n, (numero, crudo) in enumerate(self.hoja.filas, start=1):
                    self._fila(session, numero, crudo)
                    if n % TANDA == 0:
                        session.flush()
                        if not self.resultado.dry_run:
                            session.commit()
                        if avance:
                            avance(TANDA)
                if self.importador.retira_ausentes and self.resultado.rechazadas:
                    self.resultado.avisos.append(
                        "hay filas rechazadas: no se desactivó nada de lo ausente"
                    )
                elif self.importador.retira_ausentes:
                    self.resultado.desactivadas = self.importador.terminar(session)
                if self.resultado.dry_run:
                    session.rollback()
                else:
                    session.commit()
            except BaseException:
                session.rollback()
                raise
        if avance:
            avance(self.hoja.total % TANDA)
        return self.resultado
