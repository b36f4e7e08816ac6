"""Runs the classifier on a new case and keeps its suggestion; applying it is the case's rule."""

from __future__ import annotations

from sqlalchemy.orm import Session

from vetanco.casos.models import Caso
from vetanco.db import utcnow
from vetanco.politicas import Politicas
from vetanco.triage.clasificador import Sugerencia, clasificar
from vetanco.triage.models import SugerenciaTriage
from vetanco.triage.schemas import Razon, SugerenciaRead


def texto_de(caso: Caso) -> str:
    return "\n".join(t for t in (caso.que_sucedio, caso.descripcion_libre) if t)


def evaluar(session: Session, *, caso: Caso, politicas: Politicas) -> Sugerencia:
    sugerencia = clasificar(texto_de(caso), politicas.reglas)
    fila = SugerenciaTriage(
        caso_id=caso.id,
        tipo_caso=sugerencia.tipo_caso,
        criticidad=sugerencia.criticidad,
        confianza=sugerencia.confianza,
        evento_adverso=sugerencia.evento_adverso,
        grave=sugerencia.grave,
        razones=[m.as_dict() for m in sugerencia.razones],
        descartadas=[m.as_dict() for m in sugerencia.descartadas],
        aplicada=False,
        version_reglas=sugerencia.version,
        created_at=utcnow(),
    )
    session.add(fila)
    caso.sugerencia = fila
    return sugerencia


def aplicable(sugerencia: Sugerencia, politicas: Politicas) -> bool:
    return politicas.umbral_auto is not None and sugerencia.confianza >= politicas.umbral_auto


def motivo(sugerencia: Sugerencia) -> str:
    frases = ", ".join(f"«{m.frase}» ({m.regla})" for m in sugerencia.razones[:6])
    return f"Clasificación automática con confianza {sugerencia.confianza:.2f}: {frases}."


def lectura(fila: SugerenciaTriage | None) -> SugerenciaRead | None:
    if fila is None:
        return None
    return SugerenciaRead(
        tipo_caso=fila.tipo_caso,
        criticidad=fila.criticidad,
        confianza=fila.confianza,
        evento_adverso=fila.evento_adverso,
        grave=fila.grave,
        aplicada=fila.aplicada,
        razones=[Razon.model_validate(r) for r in fila.razones],
        descartadas=[Razon.model_validate(r) for r in fila.descartadas],
        version_reglas=fila.version_reglas,
        created_at=fila.created_at,
    )
