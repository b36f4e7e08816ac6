"""What the bot remembers: returning clients, staff, known products, and a 24 h inactivity reset."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from tests.conftest import Api
from tests.factories import crear_caso, crear_colaborador
from tests.whatsapp.conftest import Chat, last_text
from vetanco.db import Database, utcnow
from vetanco.productos import service as productos_service
from vetanco.productos.schemas import ProductoFila
from vetanco.sim.kapso import KapsoSim
from vetanco.whatsapp.models import Conversacion
from vetanco.worker import BackgroundWorker


@pytest.fixture
def chat(kapso: KapsoSim, worker: BackgroundWorker, webhook_url: str) -> Chat:
    return Chat(kapso, worker, webhook_url)


def test_returning_phone_is_offered_its_client_data(chat: Chat, api: Api) -> None:
    crear_caso(api, cliente={"telefono": "+54 9 11 5555-1234", "nombre_apellido": "Juan Pérez"})
    chat.send("registrar")
    chat.send("reclamo")
    oferta = chat.send("1")
    assert "Ya te conocemos: Juan Pérez" in last_text(oferta)
    assert [t for _, t in oferta[-1].buttons] == ["Sí", "No"]
    assert "producto" in last_text(chat.tap("si", "Sí")).lower()


def test_staff_member_is_matched_by_name(chat: Chat, api: Api) -> None:
    crear_colaborador(api, nombre="María González", cargo="Asesora de Ventas")
    chat.send("registrar")
    chat.send("queja")
    assert "tu nombre" in last_text(chat.tap("colaborador", "Soy de Vetanco")).lower()
    assert "No encontré" in last_text(chat.send("Pedro Picapiedra"))
    assert "Nombre y apellido del cliente" in last_text(chat.send("maria gonzalez"))


def test_known_products_are_suggested(chat: Chat, api: Api) -> None:
    crear_caso(
        api, producto={"nombre_producto": "Vetancilina 100ml"}, cliente={"telefono": "11-4444-0000"}
    )
    for step in ("registrar", "reclamo", "1", "Ana Díaz", "omitir", "omitir", "1", "omitir"):
        chat.send(step)
    exact = last_text(chat.send("vetancilina 100ml"))
    assert "Presentación" in exact
    chat.send("volver")
    sugerencia = last_text(chat.send("Vetancilna 100"))
    assert "¿Te referís a «Vetancilina 100ml»?" in sugerencia
    assert "¿Qué producto?" in last_text(
        chat.send("volver")
    )  # back to the product, not a broken step
    chat.send("Vetancilna 100")
    assert "Presentación" in last_text(chat.send("sí"))
    for step in (
        "omitir",
        "omitir",
        "omitir",
        "1",
        "omitir",
        "El frasco vino con partículas",
        "omitir",
        "omitir",
        "omitir",
    ):
        chat.send(step)
    resumen = last_text(chat.send("no tengo"))
    assert "Producto: Vetancilina 100ml" in resumen
    assert "Vetancilna" not in resumen


def test_the_catalogue_replaces_names_seen_in_cases(chat: Chat, api: Api, db: Database) -> None:
    crear_caso(
        api,
        producto={"nombre_producto": "Vetancilina vieja"},
        cliente={"telefono": "11-4444-0000"},
    )
    with db.transaction() as session:
        for codigo, nombre, activo in (("V1", "Vetancilina", True), ("V2", "Ivermectina", False)):
            fila = ProductoFila(codigo=codigo, nombre=nombre, presentacion="100 ml", activo=activo)
            productos_service.guardar(session, fila=fila)
    for step in ("registrar", "reclamo", "1", "Ana Díaz", "omitir", "omitir", "1", "omitir"):
        chat.send(step)
    assert "¿Te referís a «Vetancilina 100 ml»?" in last_text(chat.send("vetancilna 100"))
    chat.send("volver")
    assert "Ivermectina" not in last_text(chat.send("ivermectna 100 ml"))


def test_a_day_of_silence_resets_the_conversation(chat: Chat, db: Database) -> None:
    chat.send("registrar")
    chat.send("reclamo")
    with db.transaction() as session:
        session.execute(
            update(Conversacion).values(ultimo_entrante_at=utcnow() - timedelta(hours=25))
        )
    replies = chat.send("hola")
    assert "empezamos de nuevo" in (replies[0].text or "")
    assert "¿En qué te ayudo?" in last_text(replies)
