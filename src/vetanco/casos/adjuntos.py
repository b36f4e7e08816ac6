"""Stored attachments of a case: where the bytes are and whether they may be served."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from vetanco.casos.models import Adjunto
from vetanco.casos.service import obtener
from vetanco.errors import Conflict, NotFound


@dataclass(frozen=True, slots=True)
class Archivo:
    path: Path
    mime_type: str
    nombre: str


def archivo(
    session: Session, *, numero_caso: str, adjunto_id: uuid.UUID, storage_dir: Path
) -> Archivo:
    caso = obtener(session, numero_caso=numero_caso)
    adjunto = session.get(Adjunto, adjunto_id)
    if adjunto is None or adjunto.caso_id != caso.id:
        raise NotFound(f"El caso {numero_caso} no tiene el adjunto {adjunto_id}.")
    if adjunto.estado != "descargado" or not adjunto.ruta:
        raise Conflict(
            f"El adjunto no está disponible (estado: {adjunto.estado}).",
            extra={"estado": adjunto.estado, "motivo": adjunto.error},
        )
    path = Path(storage_dir) / adjunto.ruta
    if not path.is_file():
        raise NotFound("El archivo del adjunto no está en el almacenamiento.")
    nombre = adjunto.nombre or f"{adjunto.id}"
    return Archivo(
        path=path, mime_type=adjunto.mime_type or "application/octet-stream", nombre=nombre
    )
