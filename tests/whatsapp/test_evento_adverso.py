"""The adverse-event questions (VICH GL42) in whole WhatsApp conversations, ending in the case detail."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import time_machine

from tests.conftest import Api
from tests.whatsapp.conftest import Chat, last_text
from vetanco.config import Settings
from vetanco.db import Database
from vetanco.sim.kapso import KapsoSim
from vetanco.worker import BackgroundWorker

# Wednesday 18 November 2026, noon in Buenos Aires: «ayer» is the 17th, «el lunes» the 16th.
MEDIODIA_AR = datetime(2026, 11, 18, 15, 0, tzinfo=UTC)
RELATO_EA = "Apliqué el producto y se murieron 2 terneros, otros 3 quedaron tirados"


@pytest.fixture
def chat(kapso: KapsoSim, worker: BackgroundWorker, webhook_url: str) -> Chat:
    return Chat(kapso, worker, webhook_url)


@pytest.fixture
def miercoles() -> Iterator[None]:
    with time_machine.travel(MEDIODIA_AR):
        yield


def _hasta_que_paso(chat: Chat) -> None:
    for step in (
        "registrar",
        "reclamo",
        "1",
        "Ana Díaz",
        "omitir",
        "omitir",
        "1",
        "omitir",
        "Vetancilina 100ml",
        "omitir",
        "omitir",
        "omitir",
        "usado",
    ):
        chat.send(step)
    assert "qué pasó" in last_text(chat.send("omitir"))


def _cerrar(chat: Chat) -> str:
    """From «¿Dónde ocurrió?» to the summary; returns its text."""
    for step in ("omitir", "omitir", "omitir"):
        chat.send(step)
    return last_text(chat.send("no tengo"))


def _confirmar(chat: Chat) -> str:
    text = last_text(chat.tap("confirmar", "Confirmar"))
    assert "Registramos tu caso" in text
    return text.split("caso ")[1].split(".")[0]


def test_adverse_event_questions_end_in_the_case_detail(
    chat: Chat, api: Api, miercoles: None
) -> None:
    _hasta_que_paso(chat)
    especie = last_text(chat.send(RELATO_EA))
    assert "evento adverso" in especie
    assert "¿Qué especie?" in especie
    assert "¿Cuántos animales se trataron" in last_text(chat.send("terneros"))
    assert "¿Cuántos de los 40 tuvieron algún problema?" in last_text(chat.send("cuarenta"))
    assert "¿Cuántos murieron?" in last_text(chat.send("5"))
    assert "dosis" in last_text(chat.send("2 terneros"))
    fecha = last_text(chat.send("5 ml subcutánea"))  # the route is in the answer: not asked
    assert "¿Qué día se aplicó" in fecha
    desenlace = chat.send("ayer")
    assert "¿Cómo siguen" in last_text(desenlace)
    assert [t for _, t in desenlace[-1].rows] == [
        "Se recuperaron",
        "Quedaron con secuelas",
        "Siguen en tratamiento",
        "Murieron",
        "Eutanasia",
        "No sé",
    ]
    assert "¿Dónde ocurrió?" in last_text(chat.pick("en_curso", "Siguen en tratamiento"))
    resumen = _cerrar(chat)
    assert "Evento adverso: especie bovino; animales tratados 40, afectados 5, muertos 2" in resumen
    assert "Dosis: 5 ml subcutánea; vía: Subcutánea; aplicado: 17/11/2026" in resumen
    assert "cómo siguen: Siguen en tratamiento" in resumen
    numero = _confirmar(chat)

    caso = api.get(f"/api/casos/{numero}").json()["caso"]
    evento = caso["evento_adverso"]
    assert evento["es_evento_adverso"] is True
    assert evento["origen"] == "whatsapp"
    assert evento["grave"] is True
    assert {k: evento[k] for k in ("especie", "dosis", "via_administracion", "desenlace")} == {
        "especie": "bovino",
        "dosis": "5 ml subcutánea",
        "via_administracion": "subcutanea",
        "desenlace": "en_curso",
    }
    assert (
        evento["animales_tratados"],
        evento["animales_afectados"],
        evento["animales_muertos"],
    ) == (40, 5, 2)
    assert evento["fecha_aplicacion"] == "2026-11-17"
    assert evento["datos_faltantes"] == []


def test_a_story_without_harm_asks_nothing_extra(chat: Chat, api: Api) -> None:
    _hasta_que_paso(chat)
    assert "¿Dónde ocurrió?" in last_text(chat.send("El frasco vino con partículas negras"))
    resumen = _cerrar(chat)
    assert "Evento adverso" not in resumen
    numero = _confirmar(chat)
    assert api.get(f"/api/casos/{numero}").json()["caso"]["evento_adverso"] is None


def test_skips_invalid_numbers_and_inconsistent_counts(chat: Chat, api: Api) -> None:
    _hasta_que_paso(chat)
    chat.send("Se pusieron mal las vacas y una murió")
    assert "¿Cuántos animales se trataron" in last_text(chat.send("no sé"))
    assert "No entendí la cantidad" in last_text(chat.send("muchos"))
    assert "un solo número" in last_text(chat.send("3 de 50"))
    assert "sin decimales" in last_text(chat.send("2,5"))
    assert "¿Cuántos de los 10" in last_text(chat.send("diez"))
    inconsistente = last_text(chat.send("20"))
    assert "no pueden ser más de 10" in inconsistente
    assert "volver" in inconsistente
    assert "¿Cuántos murieron?" in last_text(chat.send("todos"))
    assert "los muertos no pueden ser más de 10" in last_text(chat.send("11"))
    via = chat.send("ni una")
    assert "dosis" in last_text(via)
    via = chat.send("salteá")  # no dose, so no route either: the route is asked on its own
    assert "¿Por qué vía" in last_text(via)
    assert ("intramuscular", "Intramuscular") in via[-1].rows
    assert len(via[-1].rows) == 10
    assert "¿Qué día" in last_text(chat.send("no sé"))
    assert "¿Cómo siguen" in last_text(chat.send("no me acuerdo"))
    assert "¿Dónde ocurrió?" in last_text(chat.pick("no_se", "No sé"))
    resumen = _cerrar(chat)
    assert "Evento adverso: especie -; animales tratados 10, afectados 10, muertos 0" in resumen
    numero = _confirmar(chat)

    evento = api.get(f"/api/casos/{numero}").json()["caso"]["evento_adverso"]
    assert (
        evento["animales_tratados"],
        evento["animales_afectados"],
        evento["animales_muertos"],
    ) == (10, 10, 0)
    assert evento["datos_faltantes"] == [
        "especie",
        "dosis",
        "via_administracion",
        "fecha_aplicacion",
        "desenlace",
    ]


def test_spanish_dates_future_rejected_and_volver(chat: Chat, miercoles: None) -> None:
    _hasta_que_paso(chat)
    chat.send("No hizo efecto, los perros siguen con pulgas")  # lack of efficacy counts
    assert "Contanos qué pasó" in last_text(chat.send("volver"))
    assert "¿Qué especie?" in last_text(chat.send("No hizo efecto, los perros siguen con pulgas"))
    chat.send("perros")
    chat.send("12")
    assert "¿Cuántos animales se trataron" in last_text(chat.send("volver"))
    chat.send("12")
    chat.send("12")
    chat.send("ninguno")
    assert "¿Por qué vía" in last_text(chat.send("1 pipeta por perro"))
    assert "pour-on, sobre el lomo" in last_text(chat.send("ayuda"))
    assert "¿Qué día" in last_text(chat.send("tópica"))
    assert "todavía no llegó" in last_text(chat.send("mañana"))
    assert "todavía no llegó" in last_text(chat.send("31/12/2099"))
    assert "No entendí la fecha" in last_text(chat.send("cuando llovió"))
    assert "¿Cómo siguen" in last_text(chat.send("el lunes"))
    assert "¿Qué día" in last_text(chat.send("volver"))
    chat.send("hace tres días")
    chat.send("siguen igual")
    resumen = _cerrar(chat)
    assert "especie canino; animales tratados 12, afectados 12, muertos 0" in resumen
    assert "vía: Tópica; aplicado: 15/11/2026; cómo siguen: Siguen en tratamiento" in resumen


def test_correcting_the_story_and_the_animal_data(chat: Chat, api: Api) -> None:
    _hasta_que_paso(chat)
    chat.send("La caja llegó rota")
    assert "Evento adverso" not in _cerrar(chat)
    lista = chat.tap("corregir", "Corregir un dato")
    assert ("que_sucedio", "Qué pasó") in lista[-1].rows
    assert ("evento_adverso", "Evento adverso") not in lista[-1].rows
    chat.pick("que_sucedio", "Qué pasó")
    especie = last_text(chat.send("Después de aplicarlo las ovejas abortaron"))
    assert "¿Qué especie?" in especie  # the new story needs the adverse-event questions
    for step in ("ovejas", "100", "8", "0", "3 ml intramuscular"):
        chat.send(step)
    chat.send("15/11/2026")
    resumen = last_text(chat.send("se recuperaron"))
    assert "Revisá el resumen" in resumen
    assert "especie ovino; animales tratados 100, afectados 8, muertos 0" in resumen

    lista = chat.tap("corregir", "Corregir un dato")
    filas = lista[-1].rows
    assert len(filas) == 10
    assert ("evento_adverso", "Evento adverso") in filas
    assert ("donde_cuando", "Dónde y cuándo") in filas
    sub = chat.pick("evento_adverso", "Evento adverso")
    assert [t for _, t in sub[-1].rows] == [
        "Especie",
        "Cantidad de animales",
        "Dosis y vía",
        "Fecha de aplicación",
        "Cómo siguen",
    ]
    assert "¿Qué dato querés corregir?" in last_text(chat.send("volver"))
    chat.pick("evento_adverso", "Evento adverso")
    assert "¿Cuántos animales se trataron" in last_text(chat.pick("ea_animales", "Cantidad"))
    chat.send("120")
    chat.send("9")
    resumen = last_text(chat.send("1"))
    assert "animales tratados 120, afectados 9, muertos 1" in resumen
    chat.tap("corregir", "Corregir un dato")
    chat.pick("evento_adverso", "Evento adverso")
    chat.pick("ea_dosis", "Dosis y vía")
    assert "vía: Subcutánea" in last_text(chat.send("2 ml SC"))
    numero = _confirmar(chat)
    evento = api.get(f"/api/casos/{numero}").json()["caso"]["evento_adverso"]
    assert (evento["especie"], evento["animales_muertos"], evento["dosis"]) == (
        "ovino",
        1,
        "2 ml SC",
    )
    assert (evento["via_administracion"], evento["desenlace"]) == ("subcutanea", "recuperado")


def test_a_harmless_correction_drops_the_animal_data(chat: Chat, api: Api) -> None:
    _hasta_que_paso(chat)
    chat.send(RELATO_EA)
    for step in ("terneros", "no sé", "no sé", "no sé", "no sé", "no sé", "no sé"):
        chat.send(step)
    assert "¿Dónde ocurrió?" in last_text(chat.send("no sé"))
    assert "Evento adverso" in _cerrar(chat)
    chat.tap("corregir", "Corregir un dato")
    chat.pick("que_sucedio", "Qué pasó")
    resumen = last_text(chat.send("Me equivoqué: la etiqueta está despegada"))
    assert "Evento adverso" not in resumen
    numero = _confirmar(chat)
    assert api.get(f"/api/casos/{numero}").json()["caso"]["evento_adverso"] is None


def test_the_questions_survive_a_restart(chat: Chat, db: Database, settings: Settings) -> None:
    _hasta_que_paso(chat)
    chat.send(RELATO_EA)
    chat.send("terneros")
    chat.worker.close()
    chat.worker = BackgroundWorker(db, settings)
    assert "¿Cuántos de los 30" in last_text(chat.send("30"))
