"""SLA clocks on real cases: business hours, Argentine holidays, pauses, filters, alerts, stats."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from tests.casos.helpers import detalle, historial, mover_ok
from tests.conftest import Api
from tests.factories import crear_caso
from tests.outbox import eventos

from vetanco.config import ObjetivoSla, Settings
from vetanco.db import Database
from vetanco.sla.tasks import avisar


def art(dia: int, hora: int, minuto: int = 0, mes: int = 11) -> datetime:
    """A Buenos Aires wall-clock time in 2026 (UTC-3, no DST)."""
    return datetime(2026, mes, dia, hora + 3, minuto, tzinfo=UTC)


def z(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _crear(api: Api, tipo: str = "reclamo", criticidad: str | None = "critico") -> str:
    extra: dict[str, Any] = {"tipo_caso": tipo}
    if criticidad:
        extra["criticidad"] = criticidad
    return crear_caso(
        api,
        descripcion={"que_sucedio": "Problema con el producto", "descripcion_libre": None},
        **extra,
    )


def _listado(api: Api, sla: str) -> list[str]:
    response = api.get("/api/casos", params={"sla": sla})
    assert response.status_code == 200, response.text
    return [c["numero_caso"] for c in response.json()["data"]]


def _avisar(db: Database) -> int:
    with db.transaction() as session:
        return avisar(session)


def test_critical_first_response_skips_weekend_and_holiday(api: Api, db: Database) -> None:
    with time_machine.travel(art(20, 16), tick=False):  # Friday 16:00
        numero = _crear(api)
        sla = detalle(api, numero)["sla"]
    assert sla["politica"] == "critico"
    primera = sla["primera_respuesta"]
    assert primera["objetivo_horas"] == 4
    # Friday 2 h; Saturday, Sunday and Monday 23 (Día de la Soberanía Nacional) don't count.
    assert primera["vence"] == z(art(24, 11))
    assert primera["en_riesgo_desde"] == z(art(24, 10))
    # 5 business days = 45 h: Fri 2 + Tue–Fri 36 + Mon 30th 7 → 16:00.
    assert sla["resolucion"]["vence"] == z(art(30, 16))
    assert primera["estado"] == "en_curso"
    assert primera["restante_horas"] == 4

    with time_machine.travel(art(24, 10, 30), tick=False):
        assert detalle(api, numero)["sla"]["primera_respuesta"]["estado"] == "en_riesgo"
        assert _listado(api, "en_riesgo") == [numero]
        assert _listado(api, "vencido") == []
        assert _avisar(db) == 0

    with time_machine.travel(art(24, 11, 30), tick=False):
        caso = detalle(api, numero)
        assert caso["sla"]["primera_respuesta"]["estado"] == "vencido"
        assert caso["sla"]["primera_respuesta"]["restante_horas"] == -0.5
        assert caso["sla"]["estado"] == "vencido"
        assert _listado(api, "vencido") == [numero]
        assert _listado(api, "en_riesgo") == []
        assert _avisar(db) == 1
        assert _avisar(db) == 0
        item = api.get("/api/casos").json()["data"][0]
        assert item["sla"] == "vencido"
    (alerta,) = eventos(db, "caso.sla_vencido", clave=numero)
    assert (alerta["reloj"], alerta["politica"], alerta["criticidad"]) == (
        "primera_respuesta",
        "critico",
        "critico",
    )

    with time_machine.travel(art(24, 12), tick=False):
        mover_ok(api, numero, "en_investigacion")
        sla = detalle(api, numero)["sla"]
    assert sla["primera_respuesta"]["estado"] == "cumplido_tarde"
    assert sla["primera_respuesta"]["cumplido_at"] == z(art(24, 12))
    assert sla["resolucion"]["estado"] == "en_curso"
    with time_machine.travel(art(24, 12, 5), tick=False):
        assert _listado(api, "vencido") == [numero], "a breach stays a breach"


def test_waiting_on_the_customer_pauses_and_pushes_the_deadline(api: Api) -> None:
    with time_machine.travel(art(16, 9), tick=False):  # Monday 09:00
        numero = _crear(api, criticidad="mayor")
        assert detalle(api, numero)["sla"]["primera_respuesta"]["vence"] == z(art(18, 15))
    with time_machine.travel(art(16, 12), tick=False):
        response = api.put(
            f"/api/casos/{numero}/espera",
            json={"esperando_cliente": True, "motivo": "Pedimos fotos del lote"},
            role="calidad",
        )
        assert response.status_code == 200, response.text
        assert response.json()["pausado"] is True
        assert response.json()["primera_respuesta"]["estado"] == "pausado"
    with time_machine.travel(art(18, 17), tick=False):
        assert _listado(api, "vencido") == []
        assert _listado(api, "en_riesgo") == []
        caso = detalle(api, numero)
        assert caso["sla"]["primera_respuesta"]["restante_horas"] == 21
    with time_machine.travel(art(19, 9), tick=False):  # Thursday 09:00
        response = api.put(f"/api/casos/{numero}/espera", json={"esperando_cliente": False})
        assert response.status_code == 200, response.text
        primera = response.json()["primera_respuesta"]
    # 24 business hours paused (Mon 6 + Tue 9 + Wed 9): 3 h used + 21 h left from Thursday 09:00
    # = Thu 9, Fri 9, Mon 23 is a holiday, Tue 24 3 h → 12:00.
    assert primera["horas_en_pausa"] == 24
    assert primera["vence"] == z(art(24, 12))
    acciones = [e["accion"] for e in historial(api, numero)]
    assert acciones[-2:] == ["sla_pausado", "sla_reanudado"]


def test_pause_needs_an_open_case_and_the_right_role(api: Api) -> None:
    numero = _crear(api, tipo="queja", criticidad=None)
    url = f"/api/casos/{numero}/espera"
    assert api.put(url, json={"esperando_cliente": True}, role="lectura").status_code == 403
    assert api.put(url, json={"esperando_cliente": "quizás"}).status_code == 400
    mover_ok(api, numero, "resuelto")
    assert api.put(url, json={"esperando_cliente": True}).status_code == 409


def test_resolving_meets_both_clocks_and_feeds_the_statistics(api: Api) -> None:
    with time_machine.travel(art(16, 9), tick=False):
        a_tiempo = _crear(api, tipo="queja", criticidad=None)
        tarde = _crear(api, tipo="queja", criticidad=None)
    with time_machine.travel(art(16, 10), tick=False):
        mover_ok(api, a_tiempo, "resuelto")
    with time_machine.travel(art(30, 10), tick=False):
        sla = detalle(api, a_tiempo)["sla"]
        assert sla["estado"] == "cumplido"
        assert detalle(api, tarde)["sla"]["primera_respuesta"]["estado"] == "vencido"
        stats = api.get("/api/estadisticas").json()["sla"]
    assert stats["primera_respuesta"] == {
        "cumplidos": 1,
        "incumplidos": 1,
        "porcentaje_cumplido": 50.0,
    }
    # tarde's resolution (10 business days, the 23rd a holiday) still runs on the 30th at 10:00
    assert stats["resolucion"] == {"cumplidos": 1, "incumplidos": 0, "porcentaje_cumplido": 100.0}
    assert stats["porcentaje_cumplido"] == 66.7  # 2 of the 3 settled clocks


def test_classification_retargets_the_clocks(api: Api) -> None:
    with time_machine.travel(art(16, 9), tick=False):
        numero = crear_caso(
            api, descripcion={"que_sucedio": "Consulta general", "descripcion_libre": None}
        )
        assert detalle(api, numero)["sla"]["politica"] == "comentario"
        response = api.put(
            f"/api/casos/{numero}/clasificar",
            json={"tipo_caso": "reclamo", "criticidad": "critico"},
            role="calidad",
        )
        assert response.status_code == 200, response.text
        sla = detalle(api, numero)["sla"]
    assert sla["politica"] == "critico"
    assert sla["resolucion"]["vence"] == z(art(20, 18))
    assert sla["primera_respuesta"]["estado"] == "cumplido", "a person classified it"


@pytest.fixture
def objetivos_cortos(settings: Settings) -> Settings:
    settings.sla_objetivos = {
        **settings.sla_objetivos,
        "critico": ObjetivoSla(primera_respuesta_horas=1, resolucion_dias=2),
    }
    return settings


def test_targets_are_settings(objetivos_cortos: Settings, api: Api) -> None:
    with time_machine.travel(art(16, 9), tick=False):
        numero = _crear(api)
        sla = detalle(api, numero)["sla"]
    assert sla["primera_respuesta"]["vence"] == z(art(16, 10))
    assert sla["resolucion"]["vence"] == z(art(17, 18))
