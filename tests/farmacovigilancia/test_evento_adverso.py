"""Adverse events through the API: the VICH GL42 fields, the screen, and the legal reporting clock."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine

from tests.casos.helpers import assert_400_at, detalle, historial
from tests.conftest import Api
from tests.factories import caso_payload, crear_caso
from tests.outbox import eventos
from vetanco.config import PlazoRegulatorio, Settings
from vetanco.db import Database
from vetanco.sla.tasks import avisar

DATOS: dict[str, Any] = {
    "especie": "bovino",
    "animales_tratados": 50,
    "animales_afectados": 5,
    "animales_muertos": 3,
    "dosis": "10 ml por animal",
    "via_administracion": "intramuscular",
    "fecha_aplicacion": "2026-11-18",
    "desenlace": "muerte",
}
# Friday 2026-11-20 at 10:00 in Buenos Aires (UTC-3).
RECIBIDO = datetime(2026, 11, 20, 13, 0, tzinfo=UTC)


def _crear(api: Api, texto: str = "Problema con el producto", **extra: Any) -> str:
    return crear_caso(api, descripcion={"que_sucedio": texto, "descripcion_libre": None}, **extra)


def _avisar(db: Database) -> int:
    with db.transaction() as session:
        return avisar(session)


def test_api_accepts_and_returns_the_vich_fields(api: Api) -> None:
    numero = _crear(api, evento_adverso=DATOS)
    ea = detalle(api, numero)["evento_adverso"]
    assert ea["es_evento_adverso"] is True
    assert ea["origen"] == "api"
    assert {k: ea[k] for k in DATOS} == DATOS
    assert ea["grave"] is True, "deaths make it serious"
    assert ea["datos_faltantes"] == []
    listed = api.get("/api/casos", params={"evento_adverso": "true"}).json()["data"]
    assert [c["numero_caso"] for c in listed] == [numero]
    assert listed[0]["evento_adverso"] is True


@pytest.mark.parametrize(
    ("datos", "campo"),
    [
        ({"animales_tratados": 5, "animales_afectados": 9}, "animales_afectados"),
        ({"animales_afectados": 2, "animales_muertos": 3}, "animales_muertos"),
        ({"via_administracion": "por la nariz"}, "via_administracion"),
        ({"desenlace": "mejor"}, "desenlace"),
        ({"animales_muertos": -1}, "animales_muertos"),
        ({"especie": "bovino", "color": "rojo"}, "color"),
    ],
)
def test_bad_adverse_event_data_is_400_at_the_field(
    api: Api, datos: dict[str, Any], campo: str
) -> None:
    response = api.post("/api/casos", json=caso_payload(evento_adverso=datos))
    assert_400_at(response, ["body", "evento_adverso", campo])


def test_lack_of_efficacy_is_flagged_by_the_screen(api: Api) -> None:
    numero = _crear(api, "Aplicamos la ivermectina y siguen con garrapatas, no hizo efecto")
    ea = detalle(api, numero)["evento_adverso"]
    assert ea["es_evento_adverso"] is True
    assert ea["origen"] == "triage"
    assert ea["falta_de_eficacia"] is True
    assert ea["grave"] is False
    assert ea["reporte_regulatorio"] is None, "SENASA default: only serious events carry a clock"
    assert "especie" in ea["datos_faltantes"]


def test_no_harm_no_flag(api: Api) -> None:
    numero = _crear(api, "La caja llegó aplastada")
    assert detalle(api, numero)["evento_adverso"] is None
    assert api.get("/api/casos", params={"evento_adverso": "false"}).json()["data"]


def test_serious_event_runs_the_senasa_clock(api: Api, db: Database) -> None:
    with time_machine.travel(RECIBIDO, tick=False):
        numero = _crear(api, "Se murieron 3 terneros después de aplicar el producto")
        reporte = detalle(api, numero)["evento_adverso"]["reporte_regulatorio"]
    assert reporte["autoridad"] == "SENASA"
    assert reporte["plazo_dias"] == 15
    assert reporte["estado"] == "pendiente"
    assert reporte["vence"] == "2026-12-06T03:00:00Z", "end of the 15th calendar day, local time"
    assert "Asuntos Regulatorios" in reporte["aviso"]
    with time_machine.travel(datetime(2026, 12, 2, 12, 0, tzinfo=UTC), tick=False):
        _avisar(db)
    assert eventos(db, "caso.reporte_regulatorio_por_vencer") == []
    with time_machine.travel(datetime(2026, 12, 3, 12, 0, tzinfo=UTC), tick=False):
        assert _avisar(db) == 1
        assert _avisar(db) == 0, "announced once"
        reporte = detalle(api, numero)["evento_adverso"]["reporte_regulatorio"]
    assert reporte["estado"] == "por_vencer"
    (aviso,) = eventos(db, "caso.reporte_regulatorio_por_vencer", clave=numero)
    assert aviso["autoridad"] == "SENASA"
    assert aviso["dias_restantes"] == pytest.approx(2.6, abs=0.1)
    with time_machine.travel(datetime(2026, 12, 6, 4, 0, tzinfo=UTC), tick=False):
        _avisar(db)
        assert detalle(api, numero)["evento_adverso"]["reporte_regulatorio"]["estado"] == "vencido"
    assert "reporte_regulatorio" in {
        e["reloj"] for e in eventos(db, "caso.sla_vencido", clave=numero)
    }


def test_filing_the_report_stops_the_clock(api: Api, db: Database) -> None:
    numero = _crear(api, evento_adverso=DATOS)
    body = {"referencia": "SENASA-FV-2026-0042", "presentado_at": "2026-11-24T15:00:00Z"}
    assert (
        api.put(f"/api/casos/{numero}/reporte-regulatorio", json=body, role="lectura").status_code
        == 403
    )
    response = api.put(f"/api/casos/{numero}/reporte-regulatorio", json=body, role="calidad")
    assert response.status_code == 200, response.text
    reporte = response.json()["evento_adverso"]["reporte_regulatorio"]
    assert reporte["estado"] == "presentado"
    assert reporte["referencia"] == "SENASA-FV-2026-0042"
    again = api.put(f"/api/casos/{numero}/reporte-regulatorio", json=body, role="calidad")
    assert again.status_code == 409
    assert "reporte_regulatorio_presentado" in [e["accion"] for e in historial(api, numero)]
    assert (
        api.put(
            f"/api/casos/{numero}/reporte-regulatorio", json={"referencia": ""}, role="calidad"
        ).status_code
        == 400
    )
    otro = _crear(api, "La caja llegó aplastada")
    assert api.put(f"/api/casos/{otro}/reporte-regulatorio", json=body).status_code == 409


def test_quality_completes_and_withdraws_the_flag(api: Api) -> None:
    numero = _crear(api, "Aplicamos y no hizo efecto")
    url = f"/api/casos/{numero}/evento-adverso"
    assert api.put(url, json={"especie": "ovino"}, role="colaborador").status_code == 403
    response = api.put(url, json={**DATOS, "motivo": "Informe del veterinario"}, role="calidad")
    assert response.status_code == 200, response.text
    ea = response.json()["evento_adverso"]
    assert ea["animales_muertos"] == 3
    assert ea["grave"] is True
    assert ea["reporte_regulatorio"]["estado"] == "pendiente"
    response = api.put(url, json={"es_evento_adverso": False, "motivo": "No fue el producto"})
    ea = response.json()["evento_adverso"]
    assert ea["es_evento_adverso"] is False
    assert ea["reporte_regulatorio"] is None
    assert detalle(api, numero)["evento_adverso"]["es_evento_adverso"] is False
    acciones = [e for e in historial(api, numero) if e["accion"] == "evento_adverso_actualizado"]
    assert len(acciones) == 2
    assert acciones[1]["motivo"] == "No fue el producto"


@pytest.fixture
def plazo_corto(settings: Settings) -> Settings:
    settings.regulatorio_autoridad = "SENASA"
    settings.regulatorio_plazos = {"SENASA": PlazoRegulatorio(dias_grave=10, dias_no_grave=30)}
    return settings


def test_deadlines_are_settings(plazo_corto: Settings, api: Api) -> None:
    with time_machine.travel(RECIBIDO, tick=False):
        grave = _crear(api, evento_adverso=DATOS)
        leve = _crear(api, "Aplicamos y no hizo efecto, siguen con piojos")
    reporte = detalle(api, grave)["evento_adverso"]["reporte_regulatorio"]
    assert (reporte["plazo_dias"], reporte["vence"]) == (10, "2026-12-01T03:00:00Z")
    reporte = detalle(api, leve)["evento_adverso"]["reporte_regulatorio"]
    assert (reporte["plazo_dias"], reporte["vence"]) == (30, "2026-12-21T03:00:00Z")
