"""Each case carries its SLA clocks' nearest deadlines, so the lists filter on indexed columns."""

from __future__ import annotations

from itertools import chain
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from vetanco.casos.models import Caso
from vetanco.sla.models import RelojCaso
from vetanco.sla.service import SLA


def resumir(caso: Caso, relojes: list[RelojCaso]) -> None:
    """Earliest running deadline and risk instant, and whether any clock already breached."""
    en_curso = [
        r for r in relojes if r.tipo in SLA and r.cumplido_at is None and r.pausado_desde is None
    ]
    caso.sla_vence = min((r.vence for r in en_curso if r.vence), default=None)
    caso.sla_riesgo_desde = min((r.riesgo_desde for r in en_curso if r.riesgo_desde), default=None)
    caso.sla_incumplido = any(
        r.tipo in SLA
        and r.vence is not None
        and (
            (r.cumplido_at is not None and r.cumplido_at > r.vence)
            or (
                r.cumplido_at is None and r.pausado_desde is not None and r.vence <= r.pausado_desde
            )
        )
        for r in relojes
    )


@event.listens_for(Session, "before_flush")
def _al_cambiar_relojes(session: Session, _context: Any, _instances: Any) -> None:
    """Whatever changed a clock, its case's summary is recomputed in the same flush."""
    nuevos = [o for o in session.new if isinstance(o, RelojCaso)]
    borrados = [o for o in session.deleted if isinstance(o, RelojCaso)]
    cambiados = [o for o in session.dirty if isinstance(o, RelojCaso)]
    tocados = {o.caso_id for o in chain(nuevos, borrados, cambiados) if o.caso_id is not None}
    for caso_id in tocados:
        with session.no_autoflush:
            caso = session.get(Caso, caso_id)
            if caso is None:
                continue
            relojes = [r for r in caso.relojes if r not in borrados]
        relojes += [r for r in nuevos if r.caso_id == caso_id and r not in relojes]
        resumir(caso, relojes)
