"""Triage on real cases: applied above the threshold by `sistema`, shown below it, never over a person."""

from __future__ import annotations

from typing import Any

import pytest

from tests.casos.helpers import assert_400_at, detalle, historial
from tests.conftest import Api
from tests.factories import caso_payload, crear_caso
from tests.outbox import eventos
from vetanco.config import Settings
from vetanco.db import Database

MUERTE = "3 bovinos murieron después de aplicar Vetancilina"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    settings.triage_auto_threshold = 0.85
    return settings


def _sin_clasificar(api: Api, texto: str, **extra: Any) -> str:
    return crear_caso(api, descripcion={"que_sucedio": texto, "descripcion_libre": None}, **extra)


def test_confident_suggestion_is_applied_by_sistema(api: Api, db: Database) -> None:
    numero = _sin_clasificar(api, MUERTE)
    caso = detalle(api, numero)
    assert (caso["tipo_caso"], caso["criticidad"], caso["justificacion"]) == (
        "reclamo",
        "critico",
        "pendiente_investigacion",
    )
    assert caso["triage"]["aplicada"] is True
    assert caso["triage"]["confianza"] >= 0.85
    assert {r["regla"] for r in caso["triage"]["razones"]} == {"muerte"}
    assert caso["triage"]["razones"][0]["frase"] == "murieron"
    clasificado = [e for e in historial(api, numero) if e["accion"] == "clasificado"]
    assert [e["actor"] for e in clasificado] == ["sistema"]
    assert "murieron" in clasificado[0]["motivo"]
    (evento,) = eventos(db, "caso.clasificado", clave=numero)
    assert evento == {  # the spec's shape; who decided is in the history
        "numero_caso": numero,
        "tipo_caso_anterior": "pendiente_clasificacion",
        "tipo_caso_nuevo": "reclamo",
        "criticidad": "critico",
        "justificacion": "pendiente_investigacion",
    }
    assert caso["sla"]["politica"] == "critico"


def test_weak_suggestion_is_only_shown(api: Api, db: Database) -> None:
    numero = _sin_clasificar(api, "Hola, quería hablar con alguien por el producto")
    caso = detalle(api, numero)
    assert caso["tipo_caso"] == "pendiente_clasificacion"
    assert caso["triage"]["aplicada"] is False
    assert caso["triage"]["confianza"] < 0.85
    assert eventos(db, "caso.clasificado", clave=numero) == []
    assert caso["clasificado_at"] is None


def test_person_replaces_automatic_classification_without_motivo(api: Api) -> None:
    numero = _sin_clasificar(api, MUERTE)
    response = api.put(
        f"/api/casos/{numero}/clasificar",
        json={"tipo_caso": "reclamo", "criticidad": "mayor"},
        role="calidad",
    )
    assert response.status_code == 200, response.text
    caso = detalle(api, numero)
    assert caso["criticidad"] == "mayor"
    assert caso["primera_respuesta_at"] is not None
    actores = [e["actor"] for e in historial(api, numero) if e["accion"] == "clasificado"]
    assert actores[0] == "sistema"
    assert actores[1] != "sistema"
    again = api.put(f"/api/casos/{numero}/clasificar", json={"tipo_caso": "queja"}, role="calidad")
    assert_400_at(again, ["body", "motivo"])


def test_classification_given_at_creation_is_never_overridden(api: Api, db: Database) -> None:
    numero = crear_caso(
        api,
        tipo_caso="comentario",
        descripcion={"que_sucedio": MUERTE, "descripcion_libre": None},
    )
    caso = detalle(api, numero)
    assert caso["tipo_caso"] == "comentario"
    assert caso["triage"]["tipo_caso"] == "reclamo"
    assert caso["triage"]["aplicada"] is False
    assert [e["actor"] for e in historial(api, numero) if e["accion"] == "clasificado"] == []
    assert eventos(db, "caso.clasificado", clave=numero) == []


def test_negated_harm_is_not_critical(api: Api) -> None:
    numero = _sin_clasificar(api, "No hubo muertes, pero el frasco vino con partículas")
    caso = detalle(api, numero)
    assert (caso["tipo_caso"], caso["criticidad"]) == ("reclamo", "mayor")
    assert [r["frase"] for r in caso["triage"]["descartadas"]] == ["muertes"]
    assert caso["evento_adverso"] is None


def test_whatsapp_style_description_is_read_too(api: Api) -> None:
    body = caso_payload(
        descripcion={
            "que_sucedio": "Problema con el producto que compramos",
            "descripcion_libre": "el peón se pinchó y se le hinchó el brazo",
        }
    )
    response = api.post("/api/casos", json=body)
    assert response.status_code == 201, response.text
    caso = detalle(api, response.json()["caso"]["numero_caso"])
    assert caso["criticidad"] == "critico"
    assert caso["evento_adverso"]["exposicion_humana"] is True
