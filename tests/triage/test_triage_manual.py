"""With the threshold unset nothing is applied automatically; the suggestion is still there."""

from __future__ import annotations

from tests.casos.helpers import detalle
from tests.conftest import Api
from tests.factories import crear_caso


def test_no_threshold_means_suggest_only(api: Api) -> None:
    numero = crear_caso(
        api, descripcion={"que_sucedio": "se murieron 4 terneros", "descripcion_libre": None}
    )
    caso = detalle(api, numero)
    assert caso["tipo_caso"] == "pendiente_clasificacion"
    assert caso["triage"]["criticidad"] == "critico"
    assert caso["triage"]["aplicada"] is False
    assert caso["sla"]["politica"] == "critico", "an unclassified case borrows the suggestion's SLA"


def test_sin_regla_no_presta_plazos_de_comentario(api: Api) -> None:
    """A story no rule understands may hide a crítico: it keeps the unclassified 8 h target."""
    numero = crear_caso(
        api,
        descripcion={
            "que_sucedio": "Hola, les escribo por lo del otro día",
            "descripcion_libre": None,
        },
    )
    caso = detalle(api, numero)
    assert caso["triage"]["razones"] == []
    assert caso["sla"]["politica"] == "pendiente_clasificacion"
