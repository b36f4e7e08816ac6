"""Media stored by SHA-256 and served to API users; status notices inside and outside the 24 h window."""

from __future__ import annotations

import hashlib
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from tests.conftest import Api
from tests.whatsapp.conftest import TELEFONO, Chat, last_text, pump
from vetanco.casos.models import Adjunto, Caso
from vetanco.config import Settings
from vetanco.db import Database, utcnow
from vetanco.sim.kapso import KapsoSim
from vetanco.whatsapp.media import MediaFetcher
from vetanco.whatsapp.models import Conversacion, MensajeWhatsapp
from vetanco.worker import BackgroundWorker

JPEG = b"\xff\xd8\xff\xe0" + b"foto-del-lote" * 50


@pytest.fixture
def chat(kapso: KapsoSim, worker: BackgroundWorker, webhook_url: str) -> Chat:
    return Chat(kapso, worker, webhook_url)


def _registrar(chat: Chat, *, lote: str = "ABC123", foto: bool = True) -> str:
    for step in (
        "registrar",
        "reclamo",
        "1",
        "Juan Pérez",
        "omitir",
        "30-12345678-1",
        "1",
        "omitir",
        "Vetancilina 100ml",
        "omitir",
        lote,
        "omitir",
        "usado",
        "omitir",
        f"Frascos con partículas en el lote {lote}",
        "omitir",
        "omitir",
        "omitir",
    ):
        chat.send(step)
    if foto:
        chat.photo("foto-1", JPEG)
    chat.send("listo")
    text = last_text(chat.send("confirmar"))
    return text.split("caso ")[1].split(".")[0]


def test_photo_is_downloaded_stored_by_hash_and_served(
    chat: Chat, api: Api, settings: Settings
) -> None:
    numero = _registrar(chat)
    pump(chat.worker)
    [adjunto] = api.get(f"/api/casos/{numero}").json()["caso"]["adjuntos"]
    assert adjunto["estado"] == "descargado"
    assert adjunto["sha256"] == hashlib.sha256(JPEG).hexdigest()
    assert adjunto["url"] == f"/api/casos/{numero}/adjuntos/{adjunto['id']}"
    stored = Path(settings.storage_dir) / "media" / adjunto["sha256"][:2] / adjunto["sha256"]
    assert stored.read_bytes() == JPEG
    served = api.get(adjunto["url"], role="lectura")
    assert served.status_code == 200
    assert served.content == JPEG
    assert served.headers["content-type"] == "image/jpeg"
    assert api.get(adjunto["url"], role=None).status_code == 401


def test_oversized_or_disallowed_media_is_rejected(
    chat: Chat, api: Api, db: Database, settings: Settings, kapso: KapsoSim
) -> None:
    numero = _registrar(chat, foto=False)
    kapso.add_media("grande", b"x" * 5000, "image/jpeg", "grande.jpg")
    kapso.add_media("programa", b"MZ\x90\x00", "application/x-msdownload", "virus.exe")
    with db.transaction() as session:
        caso = session.scalars(select(Caso).where(Caso.numero_caso == numero)).unique().one()
        for media_id in ("grande", "programa"):
            session.add(
                Adjunto(
                    caso_id=caso.id,
                    tipo="foto",
                    url=f"{kapso.url}/media/{media_id}",
                    media_id=media_id,
                    estado="pendiente",
                    intentos=0,
                )
            )
    fetcher = MediaFetcher(db, settings.model_copy(update={"whatsapp_media_max_bytes": 1000}))
    fetcher.run_once()
    fetcher.close()
    adjuntos = {
        a["nombre"] or a["url"]: a
        for a in api.get(f"/api/casos/{numero}").json()["caso"]["adjuntos"]
    }
    estados = sorted(a["estado"] for a in adjuntos.values())
    assert estados == ["rechazado", "rechazado"]
    rejected = next(iter(adjuntos.values()))
    assert api.get(f"/api/casos/{numero}/adjuntos/{rejected['id']}").status_code == 409


def test_expired_link_falls_back_to_a_fresh_one(
    chat: Chat, api: Api, db: Database, settings: Settings, kapso: KapsoSim
) -> None:
    numero = _registrar(chat, foto=False)
    kapso.add_media("fresca", JPEG, "image/jpeg", "fresca.jpg")
    with db.transaction() as session:
        caso = session.scalars(select(Caso).where(Caso.numero_caso == numero)).unique().one()
        session.add(
            Adjunto(
                caso_id=caso.id,
                tipo="foto",
                url=f"{kapso.url}/media/vencida",
                media_id="fresca",
                estado="pendiente",
                intentos=0,
            )
        )
    fetcher = MediaFetcher(db, settings)
    fetcher.run_once()
    fetcher.close()
    [adjunto] = api.get(f"/api/casos/{numero}").json()["caso"]["adjuntos"]
    assert adjunto["estado"] == "descargado"


def test_media_after_filing_goes_to_the_latest_open_case(chat: Chat, api: Api) -> None:
    numero = _registrar(chat, foto=False)
    reply = last_text(chat.photo("despues", JPEG))
    assert numero in reply
    pump(chat.worker)
    [adjunto] = api.get(f"/api/casos/{numero}").json()["caso"]["adjuntos"]
    assert adjunto["estado"] == "descargado"


def test_state_change_is_told_inside_the_window(chat: Chat, api: Api, kapso: KapsoSim) -> None:
    numero = _registrar(chat, foto=False)
    assert (
        api.put(f"/api/casos/{numero}/estado", json={"estado": "en_investigacion"}).status_code
        == 200
    )
    pump(chat.worker)
    aviso = kapso.sent_snapshot()[-1]
    assert aviso.to == TELEFONO
    assert (
        aviso.text
        == f"Novedades de tu caso {numero}: está en investigación por el equipo de Calidad."
    )


def _close_window(db: Database) -> None:
    with db.transaction() as session:
        session.execute(
            update(Conversacion).values(ultimo_entrante_at=utcnow() - timedelta(hours=25))
        )


def test_outside_the_window_without_template_is_skipped_with_reason(
    chat: Chat, api: Api, db: Database, kapso: KapsoSim
) -> None:
    numero = _registrar(chat, foto=False)
    _close_window(db)
    before = len(kapso.sent_snapshot())
    api.put(f"/api/casos/{numero}/estado", json={"estado": "en_investigacion"})
    pump(chat.worker)
    assert len(kapso.sent_snapshot()) == before
    with db.transaction(write=False) as session:
        aviso = session.scalars(
            select(MensajeWhatsapp).where(MensajeWhatsapp.tipo == "aviso")
        ).one()
    assert aviso.estado == "omitido"
    assert "24 h" in (aviso.ultimo_error or "")


def test_outside_the_window_the_template_is_sent(
    chat: Chat, api: Api, db: Database, settings: Settings, kapso: KapsoSim
) -> None:
    numero = _registrar(chat, foto=False)
    _close_window(db)
    chat.worker.close()
    chat.worker = BackgroundWorker(
        db, settings.model_copy(update={"kapso_template_estado": "estado_caso"})
    )
    api.put(f"/api/casos/{numero}/estado", json={"estado": "en_investigacion"})
    pump(chat.worker)
    template = kapso.sent_snapshot()[-1]
    assert template.type == "template"
    assert template.body["template"]["name"] == "estado_caso"
    assert template.body["template"]["components"][0]["parameters"][0]["text"] == numero


def test_delivery_statuses_update_the_transcript(chat: Chat, db: Database, kapso: KapsoSim) -> None:
    reply = chat.send("Hola")[-1]
    for status in ("delivered", "read", "delivered"):
        kapso.send_status(reply.message_id, status, to=TELEFONO, url=chat.url)
    pump(chat.worker)
    with db.transaction(write=False) as session:
        mensaje = session.scalars(
            select(MensajeWhatsapp).where(MensajeWhatsapp.wamid == reply.message_id)
        ).one()
    assert mensaje.estado == "leido"
    kapso.send_status(reply.message_id, "failed", to=TELEFONO, url=chat.url)
    pump(chat.worker)
    with db.transaction(write=False) as session:
        mensaje = session.scalars(
            select(MensajeWhatsapp).where(MensajeWhatsapp.wamid == reply.message_id)
        ).one()
    assert mensaje.estado == "fallido"
    assert "131047" in (mensaje.ultimo_error or "")


def test_kapso_409_in_flight_is_retried(chat: Chat, db: Database, kapso: KapsoSim) -> None:
    kapso.fail_next(409)
    assert chat.send("Hola") == []
    deadline = time.monotonic() + 10
    while not kapso.sent_snapshot() and time.monotonic() < deadline:
        pump(chat.worker, settle=0.1)
    replies = [m for m in kapso.sent_snapshot() if m.to == TELEFONO]
    assert "¿En qué te ayudo?" in last_text(replies)
    with db.transaction(write=False) as session:
        mensaje = session.scalars(
            select(MensajeWhatsapp).where(MensajeWhatsapp.direccion == "saliente")
        ).one()
    assert mensaje.intentos == 2
    assert mensaje.estado == "enviado"
