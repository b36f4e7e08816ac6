"""When a señal opens: N reclamos of a lot in the window, or any crítico; one vigente per lot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from tests.casos.helpers import set_created_at
from tests.conftest import Api
from tests.factories import clasificar, cuit_valido
from tests.outbox import eventos
from tests.senales.helpers import PRODUCTO, detalle, mover, reclamo, senales, una_senal
from vetanco.config import Settings
from vetanco.db import Database
from vetanco.senales import repository
from vetanco.senales.models import Senal
from vetanco.senales.repository import Lote


def test_the_third_reclamo_of_a_lot_opens_a_signal(api: Api) -> None:
    primeros = [reclamo(api, "L100"), reclamo(api, "L100")]
    assert senales(api) == [], "N-1 reclamos are not a signal"

    tercero = reclamo(api, "L100")

    senal = una_senal(api)
    assert (senal["producto"], senal["lote"], senal["estado"]) == (PRODUCTO, "L100", "abierta")
    assert senal["motivo_apertura"] == "umbral"
    assert senal["caso_apertura"] == tercero
    assert (senal["total_casos"], senal["criticos"]) == (3, 0)
    casos = [c["numero_caso"] for c in detalle(api, senal["id"])["casos"]]
    assert casos == [*primeros, tercero]


def test_reclamos_outside_the_window_do_not_count(api: Api, db: Database) -> None:
    ahora = datetime.now(UTC)
    viejo = reclamo(api, "L200")
    set_created_at(db, viejo, ahora - timedelta(days=30, minutes=5))
    reclamo(api, "L200")
    reclamo(api, "L200")
    assert senales(api) == [], "only 2 of the 3 are within the last 30 days"

    borde = reclamo(api, "L201")
    set_created_at(db, borde, ahora - timedelta(days=29, hours=23))
    reclamo(api, "L201")
    reclamo(api, "L201")
    assert una_senal(api)["lote"] == "L201"


def test_only_reclamos_count_and_classifying_one_can_open_it(api: Api) -> None:
    reclamo(api, "L300")
    reclamo(api, "L300")
    reclamo(api, "L300", tipo="queja")
    pendiente = reclamo(api, "L300", tipo=None)
    reclamo(api, "L999")
    assert senales(api) == []

    clasificar(api, pendiente, "reclamo", "mayor")

    senal = una_senal(api)
    assert (senal["lote"], senal["caso_apertura"], senal["total_casos"]) == ("L300", pendiente, 3)


def test_lots_are_told_apart_by_product_but_not_by_case(api: Api) -> None:
    reclamo(api, "abc1")
    reclamo(api, "ABC1")
    reclamo(api, "Abc1", producto="Ivermectina 1%")
    assert senales(api) == []
    reclamo(api, "aBc1", producto="VETANCILINA  100ML")
    senal = una_senal(api)
    assert (senal["lote"], senal["total_casos"]) == ("ABC1", 3)


def test_a_single_critico_opens_a_signal_on_create_and_on_classify(api: Api) -> None:
    critico = reclamo(api, "L400", "critico")
    senal = una_senal(api, lote="L400")
    assert (senal["motivo_apertura"], senal["caso_apertura"], senal["criticos"]) == (
        "critico",
        critico,
        1,
    )

    otro = reclamo(api, "L401", "menor")
    assert senales(api, lote="L401") == []
    clasificar(api, otro, "reclamo", "critico", motivo="Murieron animales")
    assert una_senal(api, lote="L401")["caso_apertura"] == otro


def test_one_vigente_signal_per_lot_later_cases_join_it(api: Api, db: Database) -> None:
    primero = reclamo(api, "L500", "critico")
    senal_id = una_senal(api)["id"]
    mover(api, senal_id, "en_evaluacion")
    segundo = reclamo(api, "L500", "menor")
    tercero = reclamo(api, "L500", "critico")
    cuarto = reclamo(api, "L500", tipo=None)
    clasificar(api, cuarto, "reclamo", "mayor")
    clasificar(api, cuarto, "reclamo", "critico", motivo="Se confirmó mortandad")

    senal = una_senal(api)
    assert senal["id"] == senal_id
    assert (senal["total_casos"], senal["criticos"]) == (4, 3)
    casos = detalle(api, senal_id)["casos"]
    assert [(c["numero_caso"], c["origen"]) for c in casos] == [
        (primero, "apertura"),
        (segundo, "posterior"),
        (tercero, "posterior"),
        (cuarto, "posterior"),
    ]
    assert len(eventos(db, "lote.senal_detectada")) == 1


def test_signal_event_is_emitted_once_with_its_payload(api: Api, db: Database) -> None:
    casos = [reclamo(api, "L600"), reclamo(api, "L600", "critico")]
    casos.append(reclamo(api, "L600"))
    senal = una_senal(api)

    (evento,) = eventos(db, "lote.senal_detectada")

    assert evento == {
        "senal_id": senal["id"],
        "producto": PRODUCTO,
        "lote": "L600",
        "estado": "abierta",
        "motivo_apertura": "critico",
        "numero_caso": casos[1],
        "casos": casos[:2],
        "reclamos_en_ventana": 2,
        "criticos": 1,
        "umbral": 3,
        "ventana_dias": 30,
        "abierta_at": senal["abierta_at"],
    }
    assert eventos(db, "lote.senal_detectada", clave=casos[1]) == [evento]


def test_a_closed_signal_only_reopens_on_new_evidence(api: Api, db: Database) -> None:
    for _ in range(3):
        reclamo(api, "L700")
    primera = una_senal(api)["id"]
    mover(api, primera, "descartada", "Contramuestras dentro de especificación")

    reclamo(api, "L700")
    reclamo(api, "L700")
    assert [s["id"] for s in senales(api)] == [primera], "the discarded evidence does not reopen"
    tercero = reclamo(api, "L700")

    nueva = senales(api, estado="abierta")
    assert len(nueva) == 1
    assert nueva[0]["id"] != primera
    assert (nueva[0]["caso_apertura"], nueva[0]["total_casos"]) == (tercero, 3)
    assert len(eventos(db, "lote.senal_detectada")) == 2

    mover(api, nueva[0]["id"], "retiro_de_mercado", "Se retira el lote")
    critico = reclamo(api, "L700", "critico")
    tercera = una_senal(api, estado="abierta")
    assert (tercera["motivo_apertura"], tercera["caso_apertura"]) == ("critico", critico)


def test_merged_duplicates_do_not_count_twice(api: Api) -> None:
    cuit = cuit_valido(11)
    original = reclamo(api, "L800", cuit=cuit)
    duplicado = reclamo(api, "L800", cuit=cuit)
    response = api.post(f"/api/casos/{duplicado}/fusionar", json={"en": original})
    assert response.status_code == 200, response.text
    reclamo(api, "L800")
    assert senales(api) == []
    reclamo(api, "L800")
    assert una_senal(api)["total_casos"] == 3


def test_a_merge_that_brings_a_new_lot_evaluates_it(api: Api) -> None:
    cuit = cuit_valido(12)
    reclamo(api, "L900")
    reclamo(api, "L900")
    destino = reclamo(api, "L901", cuit=cuit)
    origen = reclamo(api, "L900", cuit=cuit, tipo="queja")
    assert senales(api) == []

    response = api.post(f"/api/casos/{origen}/fusionar", json={"en": destino})
    assert response.status_code == 200, response.text

    senal = una_senal(api)
    assert (senal["lote"], senal["caso_apertura"], senal["total_casos"]) == ("L900", destino, 3)


@pytest.fixture
def senal_corta(settings: Settings) -> Settings:
    settings.signal_min_cases = 2
    settings.signal_window_days = 7
    return settings


def test_threshold_and_window_are_settings(senal_corta: Settings, api: Api, db: Database) -> None:
    viejo = reclamo(api, "LX1")
    set_created_at(db, viejo, datetime.now(UTC) - timedelta(days=8))
    reclamo(api, "LX1")
    assert senales(api) == []
    reclamo(api, "LX1")
    senal = una_senal(api)
    assert senal["total_casos"] == 2
    assert detalle(api, senal["id"])["ventana"]["dias"] == 7
    (evento,) = eventos(db, "lote.senal_detectada")
    assert (evento["umbral"], evento["ventana_dias"]) == (2, 7)


def test_a_signal_opened_concurrently_is_joined_not_duplicated(
    api: Api, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If another transaction opened the lot's signal after our check, the unique index wins."""
    reclamo(api, "LR1", "critico")
    real = repository.vigente
    llamadas: list[bool] = []

    def ciega_la_primera_vez(
        session: Session, lote: Lote, *, for_update: bool = False
    ) -> Senal | None:
        llamadas.append(for_update)
        return None if len(llamadas) == 1 else real(session, lote, for_update=for_update)

    monkeypatch.setattr(repository, "vigente", ciega_la_primera_vez)
    segundo = reclamo(api, "LR1", "critico")
    monkeypatch.undo()

    assert len(llamadas) == 2, "the second look happens after the failed insert"
    senal = una_senal(api)
    assert senal["total_casos"] == 2
    ultimo = detalle(api, senal["id"])["casos"][-1]
    assert (ultimo["numero_caso"], ultimo["origen"]) == (segundo, "posterior")
    assert len(eventos(db, "lote.senal_detectada")) == 1
