"""The adverse-event answer parsers on their own: counts, species, route, dates, outcome."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine

from vetanco.farmacovigilancia.schemas import DatosEventoAdverso
from vetanco.whatsapp import evento_adverso as ea
from vetanco.whatsapp import registro
from vetanco.whatsapp.caso import resumen
from vetanco.whatsapp.pasos import Invalido
from vetanco.whatsapp.salidas import MAX_ROW_TITLE, MAX_ROWS

MIERCOLES = date(2026, 11, 18)


@pytest.mark.parametrize(
    ("texto", "esperado"),
    [
        ("3", 3),
        ("3 vacas", 3),
        ("murieron 12 terneros", 12),
        ("tres", 3),
        ("Quince", 15),
        ("veinte", 20),
        ("veintiún", 21),
        ("treinta y dos", 32),
        ("doscientos cincuenta", 250),
        ("mil quinientos", 1500),
        ("1.500", 1500),
        ("0", 0),
        ("cero", 0),
        ("ninguno", 0),
        ("ninguna", 0),
        ("no", 0),
        ("ni una", 0),
        ("no murió ninguna", 0),
        ("una", 1),
        ("no sé", None),
        ("No se", None),
        ("salteá", None),
        ("ni idea", None),
    ],
)
def test_counts(texto: str, esperado: int | None) -> None:
    assert ea.parse_cantidad(texto) == esperado


@pytest.mark.parametrize(
    ("texto", "pista"),
    [
        ("muchos", "No entendí la cantidad"),
        ("", "No entendí la cantidad"),
        ("3 de 50", "un solo número"),
        ("2,5", "sin decimales"),
        ("todos", "¿Cuántos son «todos»?"),
        ("99999999", "demasiado grande"),
    ],
)
def test_bad_counts_say_why(texto: str, pista: str) -> None:
    with pytest.raises(Invalido, match=pista):
        ea.parse_cantidad(texto)


def test_todos_means_the_previous_count() -> None:
    assert ea.parse_cantidad("todos", todos=40) == 40
    assert ea.parse_cantidad("murieron todas", todos=7) == 7


@pytest.mark.parametrize(
    ("texto", "especie"),
    [
        ("vacas", "bovino"),
        ("3 Vacas y un ternero", "bovino"),
        ("novillos", "bovino"),
        ("cerdos", "porcino"),
        ("chanchos", "porcino"),
        ("pollos parrilleros", "aviar"),
        ("gallinas", "aviar"),
        ("ovejas", "ovino"),
        ("perro", "canino"),
        ("gatos", "felino"),
        ("yeguas", "equino"),
        ("caballo", "equino"),
        ("vacas y perros", "bovino, canino"),
        ("llamas", "llamas"),
        ("  Búfalos   de agua ", "Búfalos de agua"),
    ],
)
def test_species_are_normalised_or_kept(texto: str, especie: str) -> None:
    assert ea.normalizar_especie(texto) == especie


def test_species_needs_words() -> None:
    with pytest.raises(Invalido, match="especie"):
        ea.normalizar_especie("3")


@pytest.mark.parametrize(
    ("texto", "via"),
    [
        ("5 ml IM", "intramuscular"),
        ("10 ml intramuscular por animal", "intramuscular"),
        ("1 ml cada 10 kg i.m.", "intramuscular"),
        ("2 ml/50 kg subcutánea", "subcutanea"),
        ("3 ml SC en la tabla del cuello", "subcutanea"),
        ("sub cutánea", "subcutanea"),
        ("intravenosa lenta", "intravenosa"),
        ("EV", "intravenosa"),
        ("oral, 20 ml", "oral"),
        ("por boca", "oral"),
        ("pour-on 1 ml/10 kg", "pour_on"),
        ("pour on", "pour_on"),
        ("un pomo por cuarto", "intramamaria"),
        ("en el agua de bebida", "en_agua_o_alimento"),
        ("spray sobre la herida", "topica"),
        ("5 ml", None),
        ("no sé", None),
    ],
)
def test_route_is_read_from_the_dose(texto: str, via: str | None) -> None:
    found = ea.extraer_via(texto)
    assert (found.value if found else None) == via


@pytest.mark.parametrize(
    ("texto", "dia"),
    [
        ("ayer", date(2026, 11, 17)),
        ("Ayer a la tarde", date(2026, 11, 17)),
        ("anoche", date(2026, 11, 17)),
        ("anteayer", date(2026, 11, 16)),
        ("antes de ayer", date(2026, 11, 16)),
        ("hoy", MIERCOLES),
        ("el lunes", date(2026, 11, 16)),
        ("el sábado", date(2026, 11, 14)),
        ("el viernes pasado", date(2026, 11, 13)),
        ("el miércoles", date(2026, 11, 11)),  # today is Wednesday: the one before
        ("hace 3 días", date(2026, 11, 15)),
        ("hace tres días", date(2026, 11, 15)),
        ("hace una semana", date(2026, 11, 11)),
        ("15/11", date(2026, 11, 15)),
        ("15/12", date(2025, 12, 15)),  # no year: the most recent 15/12
        ("15/11/2025", date(2025, 11, 15)),
        ("2 de noviembre", date(2026, 11, 2)),
    ],
)
def test_application_dates(texto: str, dia: date) -> None:
    assert ea.parse_fecha_aplicacion(texto, hoy=MIERCOLES) == dia


@pytest.mark.parametrize("texto", ["mañana", "31/12/2099", "19/11/2026"])
def test_future_dates_are_rejected(texto: str) -> None:
    with pytest.raises(Invalido, match="todavía no llegó"):
        ea.parse_fecha_aplicacion(texto, hoy=MIERCOLES)


def test_unreadable_date() -> None:
    with pytest.raises(Invalido, match="No entendí la fecha"):
        ea.parse_fecha_aplicacion("cuando llovió", hoy=MIERCOLES)


def test_today_is_the_argentine_day() -> None:
    # 01:00 UTC on the 19th is still the 18th in Buenos Aires.
    with time_machine.travel(datetime(2026, 11, 19, 1, 0, tzinfo=UTC), tick=False):
        assert ea.hoy_en_argentina() == MIERCOLES
        assert ea.parse_fecha_aplicacion("ayer") == date(2026, 11, 17)
        with pytest.raises(Invalido):
            ea.parse_fecha_aplicacion("19/11/2026")


@pytest.mark.parametrize(
    ("texto", "desenlace"),
    [
        ("Se recuperaron", "recuperado"),
        ("ya están bien", "recuperado"),
        ("quedaron con secuelas", "recuperado_con_secuelas"),
        ("siguen mal", "en_curso"),
        ("todavía en tratamiento", "en_curso"),
        ("no se recuperaron", "en_curso"),
        ("murieron", "muerte"),
        ("2 murieron y el resto se recuperó", "muerte"),
        ("hubo que sacrificarlas", "eutanasia"),
        ("desconocido", "desconocido"),
        ("no se sabe", "desconocido"),
        ("4", "muerte"),
        ("no sé", None),
    ],
)
def test_outcomes(texto: str, desenlace: str | None) -> None:
    found = ea.parse_desenlace(texto)
    assert (found.value if found else None) == desenlace


def test_outcome_by_button_and_unknown_text() -> None:
    assert ea.parse_desenlace("Eutanasia", "eutanasia") == "eutanasia"
    assert ea.parse_desenlace("No sé", "no_se") is None
    with pytest.raises(Invalido, match="lista"):
        ea.parse_desenlace("pepe")


def test_flag_follows_the_story_and_forgets_old_answers() -> None:
    r: dict[str, object] = {}
    ea.evaluar("Se murieron 3 vacas después de la dosis", r, None)
    assert r[ea.FLAG] is True
    r.update(ea_especie="bovino", ea_tratados=10)
    ea.evaluar("No hubo muertes, sólo la caja rota", r, None)
    assert r[ea.FLAG] is False
    assert "ea_especie" not in r
    assert "ea_tratados" not in r


def test_collected_answers_are_a_valid_api_block() -> None:
    r = {
        ea.FLAG: True,
        "ea_especie": "bovino",
        "ea_tratados": 50,
        "ea_afectados": 5,
        "ea_muertos": 3,
        "ea_dosis": "10 ml IM",
        "ea_via": "intramuscular",
        "ea_fecha": "2026-11-17",
        "ea_desenlace": None,
    }
    bloque = DatosEventoAdverso.model_validate(ea.datos(r))
    assert bloque.fecha_aplicacion == date(2026, 11, 17)
    assert bloque.via_administracion == "intramuscular"
    assert bloque.desenlace is None
    assert ea.datos({ea.FLAG: False}) is None


def test_correction_lists_fit_whatsapp() -> None:
    for r in ({}, {ea.FLAG: True}):
        filas = registro.correcciones(r)
        assert len(filas) <= MAX_ROWS
        assert all(len(o.titulo) <= MAX_ROW_TITLE for o in filas)
        assert len({o.id for o in filas}) == len(filas)
    for opciones in (ea.CORRECCIONES, ea.VIAS, ea.DESENLACES):
        assert len(opciones) <= MAX_ROWS
        assert all(len(o.titulo) <= MAX_ROW_TITLE for o in opciones)
    for o in registro.correcciones({ea.FLAG: True}, ea.CORREGIR.id):
        assert all(c in registro.POR_CLAVE for c in registro.claves_a_corregir(o.id))


def test_a_long_story_keeps_the_summary_within_one_message() -> None:
    r = {
        "tipo": "reclamo",
        "nombre_apellido": "Juan Pérez",
        "producto": "Vetancilina 100ml",
        "estado_producto": "usado",
        "que_sucedio": "Se murieron las vacas. " * 100,
        ea.FLAG: True,
        "ea_especie": "bovino",
        "ea_dosis": "x" * 200,
    }
    texto = resumen({"r": r, "adjuntos": []})
    assert len(texto) < 1024 - 60  # room for the three numbered options
    assert texto.endswith("¿Está todo bien?")
