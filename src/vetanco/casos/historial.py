"""The hash-chained case history: append an entry, and verify every chain."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vetanco.casos.models import Caso, HistorialCaso
from vetanco.db import utcnow

GENESIS = "0" * 64


def _plain(value: Any) -> Any:
    """Values as JSON keeps them, so the hash computed now equals the one recomputed later."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def diff(antes: dict[str, Any], despues: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Only what changed, as {campo: {antes, despues}}."""
    out: dict[str, dict[str, Any]] = {}
    for key, new in despues.items():
        old = _plain(antes.get(key))
        new = _plain(new)
        if old != new:
            out[key] = {"antes": old, "despues": new}
    return out


def contenido_hash(fila: Mapping[str, Any]) -> dict[str, Any]:
    """What an entry's hash covers, as plain JSON values."""
    colaborador = fila["colaborador_id"]
    return {
        "caso_id": str(fila["caso_id"]),
        "secuencia": fila["secuencia"],
        "accion": fila["accion"],
        "actor": fila["actor"],
        "colaborador_id": str(colaborador) if colaborador else None,
        "cambios": fila["cambios"],
        "motivo": fila["motivo"],
        "created_at": fila["created_at"].isoformat(),
        "hash_anterior": fila["hash_anterior"],
    }


def digest(fila: Mapping[str, Any]) -> str:
    """The entry's hash over its canonical JSON; bulk loaders call it with plain rows."""
    payload = contenido_hash(fila)
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _digest(entry: HistorialCaso) -> str:
    return digest({k: getattr(entry, k) for k in _CAMPOS_HASH})


_CAMPOS_HASH = (
    "caso_id",
    "secuencia",
    "accion",
    "actor",
    "colaborador_id",
    "cambios",
    "motivo",
    "created_at",
    "hash_anterior",
)


def registrar(
    session: Session,
    *,
    caso: Caso,
    accion: str,
    actor: str,
    cambios: dict[str, Any],
    motivo: str | None = None,
    colaborador_id: uuid.UUID | None = None,
) -> HistorialCaso:
    """Callers hold the case row lock, so the chain cannot fork under concurrent writers."""
    last = session.execute(
        select(HistorialCaso.secuencia, HistorialCaso.hash)
        .where(HistorialCaso.caso_id == caso.id)
        .order_by(HistorialCaso.secuencia.desc())
        .limit(1)
    ).first()
    entry = HistorialCaso(
        id=uuid.uuid4(),
        caso_id=caso.id,
        secuencia=(last.secuencia + 1) if last else 1,
        accion=accion,
        actor=actor,
        colaborador_id=colaborador_id,
        cambios={k: {kk: _plain(vv) for kk, vv in v.items()} for k, v in cambios.items()},
        motivo=motivo,
        created_at=utcnow(),
        hash_anterior=last.hash if last else GENESIS,
    )
    entry.hash = _digest(entry)
    session.add(entry)
    session.flush()
    return entry


def entradas(session: Session, *, caso_id: uuid.UUID) -> list[HistorialCaso]:
    stmt = (
        select(HistorialCaso)
        .where(HistorialCaso.caso_id == caso_id)
        .order_by(HistorialCaso.secuencia)
    )
    return list(session.scalars(stmt))


@dataclass(frozen=True, slots=True)
class Problema:
    numero_caso: str
    secuencia: int | None
    detalle: str


def verificar(session: Session) -> tuple[int, list[Problema]]:
    """Walks every case's chain; returns how many entries were checked and what is wrong."""
    problemas: list[Problema] = []
    checked = 0
    casos = session.execute(select(Caso.id, Caso.numero_caso).order_by(Caso.numero_caso)).all()
    for caso_id, numero in casos:
        previo = GENESIS
        rows = entradas(session, caso_id=caso_id)
        if not rows:
            problemas.append(Problema(numero, None, "el caso no tiene historial"))
        for esperado, entry in enumerate(rows, start=1):
            checked += 1
            if entry.secuencia != esperado:
                problemas.append(Problema(numero, entry.secuencia, f"falta la entrada {esperado}"))
            if entry.hash_anterior != previo:
                problemas.append(
                    Problema(numero, entry.secuencia, "no encadena con la entrada anterior")
                )
            if _digest(entry) != entry.hash:
                problemas.append(
                    Problema(numero, entry.secuencia, "el contenido no coincide con su hash")
                )
            previo = entry.hash
    return checked, problemas
