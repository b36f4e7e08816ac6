"""Whole conversations through the signed webhook and the Kapso simulator, in both payload formats."""

from __future__ import annotations

import pytest

from tests.conftest import Api
from tests.whatsapp.conftest import TELEFONO, Chat, last_text, pump
from vetanco.config import Settings
from vetanco.db import Database
from vetanco.sim.kapso import KapsoSim
from vetanco.worker import BackgroundWorker


@pytest.fixture(params=["kapso", "spec"])
def chat(
    request: pytest.FixtureRequest, kapso: KapsoSim, worker: BackgroundWorker, webhook_url: str
) -> Chat:
    return Chat(kapso, worker, webhook_url, fmt=request.param)


def _file_reclamo(chat: Chat) -> str:
    """A complete reclamo by a farmer, using buttons, typed answers, a photo and one correction."""
    menu = chat.send("Hola")
    assert [t for _, t in menu[-1].buttons] == [
        "Registrar caso",
        "Consultar estado",
        "Hablar con persona",
    ]
    tipos = chat.tap("registrar", "Registrar caso")
    assert [t for _, t in tipos[-1].buttons] == [
        "Reclamo (producto)",
        "Queja (servicio)",
        "Comentario",
    ]
    chat.tap("reclamo", "Reclamo (producto)")
    chat.tap("cliente", "Soy el cliente")
    chat.send("Juan Pérez")
    chat.send("Agropecuaria Los Pinos SA")
    chat.send("30-12345678-1")
    chat.tap("usar_whatsapp", "Usar este número")
    chat.send("juan@ejemplo.com")
    chat.send("Vetancilina 100ml")
    chat.send("Frasco 100ml")
    chat.send("abc123")
    chat.send("31/12/2026")
    chat.tap("usado", "Usado")
    chat.send("10 frascos")
    especie = chat.send("3 bovinos murieron después de aplicar el producto")
    assert "evento adverso" in last_text(especie)
    chat.send("vacas")
    chat.send("50")
    chat.send("cinco")
    chat.send("3 vacas")
    chat.send("10 ml IM por animal")
    chat.send("16/10/2025")
    desenlaces = chat.send("murieron")
    assert "¿Dónde ocurrió?" in last_text(desenlaces)
    chat.send("Establecimiento Las Rosas, Tandil")
    chat.send("17/10/2025")
    chat.send("Tengo informe veterinario")
    ack = chat.photo("media-foto-1", caption="frasco")
    assert "Recibí el archivo (1)" in last_text(ack)
    resumen = chat.tap("listo", "Listo")
    text = last_text(resumen)
    assert "Vetancilina 100ml" in text
    assert "ABC123" in text
    assert "Juan Pérez" in text
    assert "especie bovino; animales tratados 50, afectados 5, muertos 3" in text
    corregir = chat.tap("corregir", "Corregir un dato")
    assert ("numero_lote", "Lote") in corregir[-1].rows
    chat.pick("numero_lote", "Lote")
    resumen = chat.send("ABC124")
    assert "ABC124" in last_text(resumen)
    final = chat.tap("confirmar", "Confirmar")
    text = last_text(final)
    assert "VET-" in text
    return text.split("caso ")[1].split(".")[0]


def test_full_reclamo_is_filed_and_visible_in_the_api(chat: Chat, api: Api) -> None:
    numero = _file_reclamo(chat)
    caso = api.get(f"/api/casos/{numero}").json()["caso"]
    assert caso["canal"] == "whatsapp"
    assert caso["tipo_caso"] == "pendiente_clasificacion"
    assert caso["cliente"]["cuit"] == "30-12345678-1"
    assert caso["cliente"]["telefono"] == f"+{TELEFONO}"
    producto = caso["productos_afectados"][0]
    assert producto["numero_lote"] == "ABC124"
    assert producto["fecha_vencimiento"] == "2026-12-31"
    assert producto["cantidad_afectada"] == 10
    assert producto["unidad_medida"] == "frascos"
    assert caso["descripcion"]["cuando_ocurrio"].startswith("2025-10-17")
    assert len(caso["adjuntos"]) == 1
    evento = caso["evento_adverso"]
    assert evento["origen"] == "whatsapp"
    assert (evento["especie"], evento["via_administracion"], evento["desenlace"]) == (
        "bovino",
        "intramuscular",
        "muerte",
    )
    assert evento["fecha_aplicacion"] == "2025-10-16"
    assert evento["datos_faltantes"] == []
    assert caso["adjuntos"][0]["tipo"] == "foto"
    transcript = api.get(f"/api/casos/{numero}/mensajes").json()["data"]
    assert any(
        m["texto"] == "3 bovinos murieron después de aplicar el producto" for m in transcript
    )
    assert any("VET-" in (m["texto"] or "") for m in transcript if m["direccion"] == "saliente")


def test_every_invalid_answer_gets_a_specific_hint_and_the_same_question(chat: Chat) -> None:
    chat.send("reclamo")
    assert "Nombre y apellido" in last_text(chat.send("1"))
    assert "nombre y apellido" in last_text(chat.send("12")).lower()
    chat.send("Juan Pérez")
    chat.send("omitir")
    assert "no es válido" in last_text(chat.send("30-12345678-9"))
    chat.send("20-12345678-6")
    assert "no parece válido" in last_text(chat.send("abc"))
    chat.send("11-5555-1234")
    assert "email no es válido" in last_text(chat.send("juan@"))
    chat.send("omitir")
    chat.send("Vetancilina 100ml")
    chat.send("omitir")
    assert "lote" in last_text(chat.send("!!!")).lower()
    chat.send("L-77")
    assert "vencimiento" in last_text(chat.send("cualquier cosa")).lower()
    chat.send("omitir")
    assert "1, 2 o 3" in last_text(chat.send("roto"))
    chat.send("2")
    assert "número" in last_text(chat.send("muchos")).lower()
    chat.send("2 cajas")
    assert "al menos 10" in last_text(chat.send("mal"))
    chat.send("El producto llegó con el precinto roto")
    chat.send("omitir")
    assert "futuro" in last_text(chat.send("31/12/2099"))
    assert "No entendí" in last_text(chat.send("qwerty"))
    chat.send("ayer")
    chat.send("omitir")
    resumen = chat.send("no tengo")
    assert "L-77" in last_text(resumen)
    assert "2.0 cajas" in last_text(resumen) or "2 cajas" in last_text(resumen)


def test_cancel_volver_and_help_work_mid_registration(chat: Chat) -> None:
    chat.send("registrar")
    chat.tap("queja", "Queja (servicio)")
    assert "¿Qué querés registrar?" in last_text(chat.send("volver"))
    ayuda = last_text(chat.send("ayuda"))
    assert "volver" in ayuda
    assert "cancelar" in ayuda
    cancel = last_text(chat.send("cancelar"))
    assert "cancelé" in cancel


def test_conversation_survives_a_restart(chat: Chat, db: Database, settings: Settings) -> None:
    """State lives in the database: a fresh worker (as after a restart) continues the same step."""
    chat.send("registrar")
    chat.tap("comentario", "Comentario")
    chat.tap("cliente", "Soy el cliente")
    chat.worker.close()
    chat.worker = BackgroundWorker(db, settings)
    reply = last_text(chat.send("Ana Gómez"))
    assert "Razón social" in reply


def test_duplicate_deliveries_do_not_answer_twice(chat: Chat, kapso: KapsoSim) -> None:
    chat.send("Hola")
    before = len(kapso.sent_snapshot())
    for _ in range(3):
        assert kapso.resend_last().status_code == 200
    pump(chat.worker)
    assert len(kapso.sent_snapshot()) == before


def test_status_only_for_the_owner(
    chat: Chat, kapso: KapsoSim, worker: BackgroundWorker, webhook_url: str, api: Api
) -> None:
    numero = _file_reclamo(chat)
    own = last_text(chat.send(f"Estado de {numero}"))
    assert f"Tu caso {numero} está recibido" in own
    stranger = Chat(kapso, worker, webhook_url, telefono="5491166667777", fmt=chat.fmt)
    reply = last_text(stranger.send(f"estado {numero}"))
    assert "No encontré" in reply
    api.put(f"/api/casos/{numero}/clasificar", json={"tipo_caso": "reclamo", "criticidad": "menor"})
    api.put(
        f"/api/casos/{numero}/estado",
        json={"estado": "resuelto", "resolucion": "Se repuso el lote"},
    )
    chat.tap("estado", "Consultar estado")
    resolved = last_text(chat.send(numero))
    assert "resuelto" in resolved
    assert "Se repuso el lote" in resolved


def test_human_handoff_and_back(chat: Chat, api: Api, kapso: KapsoSim) -> None:
    assert "persona" in last_text(chat.tap("humano", "Hablar con persona"))
    assert chat.send("¿Hay alguien?") == []
    waiting = api.get("/api/conversaciones", params={"requiere_humano": "true"}).json()["data"]
    assert [c["telefono"] for c in waiting] == [f"+{TELEFONO}"]
    conv_id = waiting[0]["id"]
    reply = api.post(
        f"/api/conversaciones/{conv_id}/mensajes",
        role="calidad",
        json={"texto": "Hola, soy Ana de Calidad"},
    )
    assert reply.status_code == 202
    pump(chat.worker)
    assert kapso.sent_snapshot()[-1].text == "Hola, soy Ana de Calidad"
    assert (
        api.post(
            f"/api/conversaciones/{conv_id}/mensajes", role="lectura", json={"texto": "x"}
        ).status_code
        == 403
    )
    assert (
        api.post(f"/api/conversaciones/{conv_id}/devolver-al-bot", role="calidad").status_code
        == 200
    )
    assert api.get("/api/conversaciones", params={"requiere_humano": "true"}).json()["data"] == []
    assert "¿En qué te ayudo?" in last_text(chat.send("hola"))
    transcript = api.get(f"/api/conversaciones/{conv_id}/mensajes").json()["data"]
    assert any(m["autor"] == "humano:test-calidad" for m in transcript)
