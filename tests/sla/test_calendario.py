"""Business-hour arithmetic on the Argentine calendar: weekends, holidays, edges, inverse law."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vetanco.config import PlazoRegulatorio, Settings
from vetanco.sla.calendario import Calendario, calendario_desde_texto

CAL = Calendario()


def art(mes: int, dia: int, hora: int, minuto: int = 0, anio: int = 2026) -> datetime:
    """Buenos Aires wall clock (UTC-3 all year) as a UTC instant."""
    return datetime(anio, mes, dia, hora, minuto, tzinfo=UTC) + timedelta(hours=3)


def test_nueve_horas_por_dia() -> None:
    assert CAL.horas_por_dia == 9


@pytest.mark.parametrize(
    ("dia", "habil"),
    [
        (date(2026, 11, 20), True),
        (date(2026, 11, 21), False),
        (date(2026, 11, 22), False),
        (date(2026, 11, 23), False),
        (date(2026, 11, 24), True),
        (date(2026, 2, 16), False),
        (date(2026, 2, 17), False),
        (date(2026, 4, 2), False),
        (date(2026, 4, 3), False),
        (date(2026, 12, 25), False),
    ],
    ids=[
        "viernes",
        "sabado",
        "domingo",
        "soberania-trasladado",
        "martes",
        "lunes-carnaval",
        "martes-carnaval",
        "jueves-santo",
        "viernes-santo",
        "navidad",
    ],
)
def test_dias_habiles(dia: date, habil: bool) -> None:
    assert CAL.es_habil(dia) is habil


def test_feriado_tiene_nombre_en_castellano() -> None:
    assert CAL.feriado(date(2026, 11, 23)) == "Día de la Soberanía Nacional"
    assert CAL.feriado(date(2026, 11, 24)) is None


def test_viernes_tarde_salta_fin_de_semana_y_feriado() -> None:
    """Friday 16:00 + 4 h: 2 h Friday, weekend and Monday 23/11 skipped, 2 h Tuesday."""
    assert CAL.sumar_horas(art(11, 20, 16), 4) == art(11, 24, 11)
    assert CAL.horas_habiles(art(11, 20, 16), art(11, 24, 11)) == 4


def test_fuera_de_horario_arranca_en_la_apertura() -> None:
    assert CAL.sumar_horas(art(11, 24, 7), 1) == art(11, 24, 10)
    assert CAL.sumar_horas(art(11, 24, 20), 1) == art(11, 25, 10)
    assert CAL.sumar_horas(art(11, 21, 12), 0.5) == art(11, 24, 9, 30)


def test_cero_horas_al_cierre_pasa_a_la_apertura_siguiente() -> None:
    assert CAL.sumar_horas(art(11, 24, 18), 0) == art(11, 25, 9)
    assert CAL.sumar_horas(art(11, 24, 12), 0) == art(11, 24, 12)


def test_dia_completo_exacto_termina_al_cierre() -> None:
    assert CAL.sumar_horas(art(11, 24, 9), 9) == art(11, 24, 18)
    assert CAL.sumar_horas(art(11, 24, 9), 9.5) == art(11, 25, 9, 30)


def test_carnaval_y_semana_santa() -> None:
    """Friday 13/2 17:00 + 2 h lands Wednesday 18/2; Wednesday 1/4 + 9 h lands Monday 6/4."""
    assert CAL.sumar_horas(art(2, 13, 17), 2) == art(2, 18, 10)
    assert CAL.horas_habiles(art(2, 13, 9), art(2, 18, 18)) == 18
    assert CAL.sumar_horas(art(4, 1, 18), 9) == art(4, 6, 18)


def test_cinco_dias_habiles_de_resolucion_cruzan_el_feriado() -> None:
    """A crítico received Thursday 19/11 10:00 is due Friday 27/11 10:00, not Thursday 26/11."""
    assert CAL.sumar_horas(art(11, 19, 10), 5 * 9) == art(11, 27, 10)


def test_intervalo_invertido_o_vacio_es_cero() -> None:
    assert CAL.horas_habiles(art(11, 24, 12), art(11, 24, 10)) == 0
    assert CAL.horas_habiles(art(11, 21, 9), art(11, 23, 18)) == 0


def test_horas_negativas_se_rechazan() -> None:
    with pytest.raises(ValueError, match="negativas"):
        CAL.sumar_horas(art(11, 24, 9), -1)


def test_fecha_ingenua_se_toma_como_utc() -> None:
    naive = datetime(2026, 11, 24, 13, 0)
    assert CAL.sumar_horas(naive, 1) == art(11, 24, 11)


def test_feriados_de_la_empresa() -> None:
    cal = calendario_desde_texto(extra_feriados="2026-11-24, 2026-11-25")
    assert cal.feriado(date(2026, 11, 24)) == "Día no laborable de la empresa"
    assert cal.sumar_horas(art(11, 20, 17), 2) == art(11, 26, 10)


def test_horario_configurable() -> None:
    cal = calendario_desde_texto(horario="08:30-12:30")
    assert cal.horas_por_dia == 4
    assert cal.sumar_horas(art(11, 24, 12), 1) == art(11, 25, 9)


@pytest.mark.parametrize(
    ("kwargs", "mensaje"),
    [
        ({"horario": "9-18"}, "HH:MM-HH:MM"),
        ({"horario": "18:00-09:00"}, "posterior"),
        ({"horario": "25:00-26:00"}, "horario inválido"),
        ({"extra_feriados": "24/11/2026"}, "AAAA-MM-DD"),
    ],
)
def test_textos_invalidos_explican_el_error(kwargs: dict[str, str], mensaje: str) -> None:
    with pytest.raises(ValueError, match=mensaje):
        calendario_desde_texto(**kwargs)


def test_autoridad_regulatoria_sin_plazo_no_arranca() -> None:
    with pytest.raises(ValueError, match="ANMAT"):
        Settings(regulatorio_autoridad="ANMAT")
    ok = Settings(
        regulatorio_autoridad="ANMAT", regulatorio_plazos={"ANMAT": PlazoRegulatorio(dias_grave=10)}
    )
    assert ok.regulatorio_plazos["ANMAT"].dias_grave == 10


instantes = st.datetimes(
    min_value=datetime(2025, 12, 1), max_value=datetime(2027, 1, 31), timezones=st.just(UTC)
)
horas = st.integers(min_value=0, max_value=40 * 9 * 60).map(lambda m: m / 60)


@settings(max_examples=300, deadline=None)
@given(desde=instantes, h=horas)
def test_sumar_y_contar_son_inversas(desde: datetime, h: float) -> None:
    hasta = CAL.sumar_horas(desde, h)
    assert hasta >= desde
    assert CAL.horas_habiles(desde, hasta) == pytest.approx(h, abs=1e-6)
    local = hasta.astimezone(CAL.zona)
    assert CAL.es_habil(local.date())
    assert CAL.inicio <= local.time() <= CAL.fin


@settings(max_examples=200, deadline=None)
@given(a=instantes, b=instantes, c=instantes)
def test_horas_habiles_es_aditiva(a: datetime, b: datetime, c: datetime) -> None:
    x, y, z = sorted((a, b, c))
    total = CAL.horas_habiles(x, z)
    assert total == pytest.approx(CAL.horas_habiles(x, y) + CAL.horas_habiles(y, z), abs=1e-6)
    assert 0 <= total <= (z - x).total_seconds() / 3600
