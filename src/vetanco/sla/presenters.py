"""Clock rows as the case detail shows them."""

from __future__ import annotations

from datetime import datetime

from vetanco.casos.models import Caso
from vetanco.politicas import Politicas
from vetanco.sla import service
from vetanco.sla.models import RelojCaso
from vetanco.sla.schemas import RelojRead, SlaRead

_PEOR = ("vencido", "cumplido_tarde", "en_riesgo", "pausado", "en_curso", "cumplido")


def reloj(r: RelojCaso, politicas: Politicas, *, ahora: datetime) -> RelojRead:
    return RelojRead(
        objetivo_horas=round(r.objetivo_horas, 2),
        inicio=r.inicio,
        vence=r.vence,
        en_riesgo_desde=r.riesgo_desde,
        estado=service.estado(r, ahora=ahora).value,
        cumplido_at=r.cumplido_at,
        restante_horas=service.restante_horas(r, politicas, ahora=ahora),
        horas_en_pausa=round(r.pausa_horas, 2),
    )


def sla(caso: Caso, politicas: Politicas, *, ahora: datetime) -> SlaRead | None:
    por_tipo = {r.tipo: r for r in caso.relojes}
    respuesta = por_tipo.get(service.TipoReloj.primera_respuesta.value)
    resolucion = por_tipo.get(service.TipoReloj.resolucion.value)
    if respuesta is None or resolucion is None:
        return None
    a = reloj(respuesta, politicas, ahora=ahora)
    b = reloj(resolucion, politicas, ahora=ahora)
    return SlaRead(
        politica=resolucion.politica,
        estado=min((a.estado, b.estado), key=_PEOR.index),
        pausado=service.pausado(caso),
        primera_respuesta=a,
        resolucion=b,
    )
