"""Tell a WhatsApp customer when their case moves; the sender decides text, template or skip."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vetanco.casos.models import Caso
from vetanco.whatsapp.cola import encolar
from vetanco.whatsapp.models import Conversacion

AVISABLES = {
    "en_investigacion": "en investigación por el equipo de Calidad",
    "resuelto": "resuelto",
}


def avisar_cambio_de_estado(session: Session, *, caso: Caso) -> None:
    """Only cases filed on WhatsApp, only the states a customer cares about."""
    if caso.canal != "whatsapp" or caso.estado not in AVISABLES:
        return
    if not caso.registrado_por.startswith("whatsapp:+"):
        return
    telefono = caso.registrado_por.removeprefix("whatsapp:+")
    conv = session.scalars(select(Conversacion).where(Conversacion.telefono == telefono)).first()
    if conv is None:
        return
    legible = AVISABLES[caso.estado]
    texto = f"Novedades de tu caso {caso.numero_caso}: está {legible}."
    if caso.estado == "resuelto" and caso.resolucion:
        texto += f"\nResolución: {caso.resolucion}"
    aviso: dict[str, Any] = {
        "aviso_estado": {"numero_caso": caso.numero_caso, "estado": legible, "texto": texto},
        "to": conv.telefono,
    }
    encolar(
        session,
        conv=conv,
        contenido=aviso,
        texto=texto,
        autor="sistema",
        caso_id=caso.id,
        tipo="aviso",
    )
