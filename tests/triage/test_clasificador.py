"""The rule engine: each family, stems, typos, negation, severity and the rule file itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vetanco.triage.clasificador import (
    ReglasInvalidas,
    _coincidencias,
    _match_from,
    _tokens,
    cargar_reglas,
    clasificar,
)

DATASET = Path(__file__).resolve().parents[1] / "data" / "triage_casos.jsonl"


def clase(texto: str) -> tuple[str, str | None]:
    s = clasificar(texto)
    return s.tipo_caso, s.criticidad


@pytest.mark.parametrize(
    ("texto", "regla"),
    [
        ("3 bovinos murieron después de aplicar Vetancilina lote ABC123", "muerte"),
        ("Se nos MURIÓ una vaquillona a las dos horas", "muerte"),
        ("los terneros quedaron tirados y amanecieron muertos", "muerte"),
        ("Intoxicación en bovinos", "intoxicacion"),
        ("los perros convulcionaban despues del baño", "reaccion_grave"),
        ("dos vacas abortaron a la semana de vacunar", "aborto"),
        ("me pinché con la aguja y se me hinchó la mano", "exposicion_humana"),
        ("al peón le salpicó en el ojo al cargar la jeringa", "exposicion_humana"),
        ("el frasco tenía hongos adentro", "contaminacion"),
        ("la etiqueta dice otra cosa que la caja, producto equivocado", "producto_equivocado"),
    ],
)
def test_critical_family(texto: str, regla: str) -> None:
    s = clasificar(texto)
    assert (s.tipo_caso, s.criticidad) == ("reclamo", "critico")
    assert regla in {m.regla for m in s.razones}


@pytest.mark.parametrize(
    ("texto", "regla"),
    [
        ("le pusimos ivermectina y siguen con garrapatas", "falta_de_eficacia"),
        ("no hizo efecto, la fiebre no bajó", "falta_de_eficacia"),
        ("el líquido cambió de color, está amarillento", "aspecto_fuera_de_especificacion"),
        ("vino con partículas flotando y grumos", "aspecto_fuera_de_especificacion"),
        ("se separó en dos fases", "aspecto_fuera_de_especificacion"),
        ("el frasco llegó rajado y perdía líquido", "envase_esteril_roto"),
        ("la tapa de goma vino perforada", "envase_esteril_roto"),
    ],
)
def test_major_family(texto: str, regla: str) -> None:
    assert clase(texto) == ("reclamo", "mayor")
    assert regla in {m.regla for m in clasificar(texto).razones}


@pytest.mark.parametrize(
    "texto",
    [
        "la caja llegó aplastada",
        "la etiqueta está despegada pero se lee",
        "no vino el prospecto en la caja",
        "el dosificador no anda bien",
    ],
)
def test_minor_family(texto: str) -> None:
    assert clase(texto) == ("reclamo", "menor")


@pytest.mark.parametrize(
    "texto",
    [
        "el pedido llegó tarde, 2 semanas de demora",
        "me facturaron de más, necesito nota de crédito",
        "llamé 5 veces y no me atienden",
        "el vendedor no vino nunca",
    ],
)
def test_quejas(texto: str) -> None:
    assert clase(texto) == ("queja", None)


@pytest.mark.parametrize(
    "texto",
    [
        "¿Se puede usar en ovejas preñadas?",
        "excelente producto, los felicito",
        "sería bueno que saquen una presentación de 500 ml",
    ],
)
def test_comentarios(texto: str) -> None:
    assert clase(texto) == ("comentario", None)


@pytest.mark.parametrize(
    ("texto", "esperado"),
    [
        ("No hubo muertes pero el frasco vino con partículas", ("reclamo", "mayor")),
        ("ningún animal se murió, sólo que la caja llegó aplastada", ("reclamo", "menor")),
        ("sin convulsiones ni nada raro, pero la factura vino mal", ("queja", None)),
        ("no tuvieron reacción, quería consultar si repito la dosis", ("comentario", None)),
        ("no se murió ninguno, gracias por la atención", ("comentario", None)),
    ],
)
def test_negation_is_not_harm(texto: str, esperado: tuple[str, str | None]) -> None:
    s = clasificar(texto)
    assert (s.tipo_caso, s.criticidad) == esperado
    assert not s.grave
    assert s.descartadas, "the negated phrase is reported as discarded"


def test_negation_does_not_cross_clauses_or_reach_far() -> None:
    assert clase("no sabemos por qué se murieron") == ("reclamo", "critico")
    assert clase("No comían. Se murieron 3") == ("reclamo", "critico")
    assert clase("no estaban enfermos y se murieron igual") == ("reclamo", "critico")


def test_typos_and_stems() -> None:
    assert clase("se murieorn 2 terneros") == ("reclamo", "critico")
    assert clase("intoxicasion en los cerdos") == ("reclamo", "critico")
    assert clase("vino con particulas") == ("reclamo", "mayor")
    assert clase("muestra de sangre para el laboratorio") != ("reclamo", "critico")


def test_severity_wins_over_other_signals() -> None:
    s = clasificar("el pedido llegó tarde y encima se murieron 2 terneros")
    assert (s.tipo_caso, s.criticidad) == ("reclamo", "critico")
    assert {m.regla for m in s.razones} >= {"muerte", "entrega"}


def test_adverse_event_flags() -> None:
    assert clasificar("se murieron 3 vacas").grave
    eficacia = clasificar("siguen con piojos, no hizo nada")
    assert eficacia.evento_adverso
    assert not eficacia.grave
    assert not clasificar("la caja vino aplastada").evento_adverso


def test_no_signal_is_low_confidence() -> None:
    s = clasificar("hola buenas tardes")
    assert s.confianza < 0.5
    assert s.razones == []


def test_longer_phrase_wins_inside_overlap() -> None:
    s = clasificar("la caja vino rota")
    assert (s.tipo_caso, s.criticidad) == ("reclamo", "menor")
    assert all(m.regla == "empaque" for m in s.razones)


def test_custom_rule_file(tmp_path: Path) -> None:
    reglas = tmp_path / "reglas.toml"
    reglas.write_text(
        'version = "prueba"\n'
        '[negacion]\npalabras = ["no"]\n'
        '[[regla]]\nid = "olor"\ntipo_caso = "reclamo"\ncriticidad = "critico"\n'
        'peso = 0.9\nfrases = ["huele a ajo"]\n',
        encoding="utf-8",
    )
    propias = cargar_reglas(reglas)
    s = clasificar("El producto HUELE A AJO", propias)
    assert (s.tipo_caso, s.criticidad, s.version) == ("reclamo", "critico", "prueba")
    assert clasificar("no huele a ajo", propias).tipo_caso == "comentario"


@pytest.mark.parametrize(
    "contenido",
    [
        '[[regla]]\nid = "x"\ntipo_caso = "reclamo"\ncriticidad = "enorme"\npeso = 0.5\nfrases = ["a"]\n',
        '[[regla]]\nid = "x"\ntipo_caso = "queja"\npeso = 3\nfrases = ["a"]\n',
        '[[regla]]\nid = "x"\ntipo_caso = "queja"\npeso = 0.5\nfrases = ["~ a"]\n',
        "[[regla]\n",
    ],
)
def test_bad_rule_file_says_what(tmp_path: Path, contenido: str) -> None:
    reglas = tmp_path / "malas.toml"
    reglas.write_text(contenido, encoding="utf-8")
    with pytest.raises(ReglasInvalidas):
        cargar_reglas(reglas)


def test_inicios_indexados_dan_lo_mismo_que_probar_cada_posicion() -> None:
    """The start index (`_Inicios`) only skips positions where a pattern cannot begin: over the
    labelled set, every match, in order, equals trying every pattern at every token."""
    reglas = cargar_reglas()
    textos = [
        json.loads(linea)["texto"]
        for linea in DATASET.read_text(encoding="utf-8").splitlines()
        if linea.strip()
    ]
    textos += ["", "  ", "Vetancilinaaa lote ABC123: se murieronnn 3 terneross", "a " * 30]
    for texto in textos:
        tokens = _tokens(texto, reglas.cortes)
        esperadas = [
            (regla.id, patron.texto, i, fin)
            for regla in reglas.reglas
            for patron in regla.patrones
            for i in range(len(tokens))
            if (fin := _match_from(patron.partes, tokens, i)) is not None
        ]
        obtenidas = [(c.regla, c.patron, c.inicio, c.fin) for c in _coincidencias(texto, reglas)]
        assert [o for o in obtenidas if o[2] >= 0] == esperadas, texto
