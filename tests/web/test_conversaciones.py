"""Conversaciones: the chats waiting for a person, their transcript and the reply that goes to the outbox."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta

import httpx
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.conftest import Api
from tests.web.helpers import token
from vetanco.db import Database, utcnow
from vetanco.web.paginas.conversaciones import MAX_TEXTO, POR_PAGINA
from vetanco.whatsapp.models import Conversacion, MensajeWhatsapp

Login = Callable[[str], TestClient]


def _conversacion(
    db: Database,
    *,
    telefono: str = "5491155550000",
    nombre: str = "Juan Pérez",
    requiere_humano: bool = True,
    hace: timedelta = timedelta(minutes=5),
) -> str:
    """A chat as the bot leaves it: the client's last message, waiting (or not) for a person."""
    cuando = utcnow() - hace
    conv_id = uuid.uuid4()
    with db.transaction() as session:
        session.add(
            Conversacion(
                id=conv_id,
                telefono=telefono,
                contact_name=nombre,
                paso="humano" if requiere_humano else "inicio",
                datos={},
                requiere_humano=requiere_humano,
                ultimo_entrante_at=cuando,
                created_at=cuando,
                updated_at=cuando,
            )
        )
        session.flush()
        session.add(
            MensajeWhatsapp(
                conversacion_id=conv_id,
                direccion="entrante",
                tipo="text",
                texto=f"Hola, soy {nombre}. ¿Hay alguien?",
                contenido={},
                estado="recibido",
                autor="cliente",
                created_at=cuando,
            )
        )
    return str(conv_id)


def _salientes(db: Database) -> list[MensajeWhatsapp]:
    with db.transaction(write=False) as session:
        filas = session.scalars(
            select(MensajeWhatsapp).where(MensajeWhatsapp.direccion == "saliente")
        )
        return list(filas)


def _responder(
    web: TestClient, conv_id: str, texto: str, headers: dict[str, str] | None = None
) -> httpx.Response:
    csrf = token(web, "/conversaciones")
    return web.post(
        f"/conversaciones/{conv_id}/responder",
        data={"texto": texto, "csrf_token": csrf},
        headers=headers,
        follow_redirects=False,
    )


def test_lista_las_que_esperan_y_las_recientes(db: Database, login: Login) -> None:
    espera = _conversacion(db)
    bot = _conversacion(db, telefono="5491166660000", nombre="Ana Bot", requiere_humano=False)
    web = login("lectura")
    esperan = web.get("/conversaciones")
    assert esperan.status_code == 200
    assert f'id="fila-{espera}"' in esperan.text
    assert f'id="fila-{bot}"' not in esperan.text
    assert "Espera a una persona" in esperan.text
    assert 'hx-trigger="toggle once"' in esperan.text
    recientes = web.get("/conversaciones?filtro=todas").text
    assert f'id="fila-{espera}"' in recientes
    assert f'id="fila-{bot}"' in recientes
    assert '<a href="/conversaciones"' in recientes  # menu entry for a reader
    assert web.get("/conversaciones?filtro=otra").status_code == 400


def test_transcripcion_sin_caja_de_respuesta_para_lectura(db: Database, login: Login) -> None:
    conv_id = _conversacion(db)
    web = login("lectura")
    pagina = web.get(f"/conversaciones/{conv_id}")
    assert pagina.status_code == 200
    assert "Hola, soy Juan Pérez. ¿Hay alguien?" in pagina.text
    assert "Enviar respuesta" not in pagina.text
    parcial = web.get(
        f"/conversaciones/{conv_id}",
        headers={"HX-Request": "true", "HX-Target": f"conversacion-{conv_id}"},
    )
    assert parcial.text.lstrip().startswith("<section")
    assert "<html" not in parcial.text


def test_responder_escribe_en_el_outbox_como_la_api(db: Database, api: Api, login: Login) -> None:
    conv_id = _conversacion(db)
    web = login("calidad")
    assert "Enviar respuesta" in web.get(f"/conversaciones/{conv_id}").text
    r = _responder(web, conv_id, "  Hola Juan, soy Ana de Calidad  ")
    assert r.status_code == 303
    assert r.headers["location"] == f"/conversaciones/{conv_id}"
    [mensaje] = _salientes(db)
    assert mensaje.texto == "Hola Juan, soy Ana de Calidad"
    assert mensaje.estado == "pendiente"
    assert mensaje.autor == "humano:calidad@vetanco.com.ar"
    pagina = web.get(f"/conversaciones/{conv_id}").text
    assert "Respuesta encolada para enviar." in pagina
    assert "En cola" in pagina
    transcript = api.get(f"/api/conversaciones/{conv_id}/mensajes").json()["data"]
    assert transcript[-1]["texto"] == "Hola Juan, soy Ana de Calidad"


def test_responder_con_htmx_devuelve_la_conversacion(db: Database, login: Login) -> None:
    conv_id = _conversacion(db)
    web = login("calidad")
    headers = {"HX-Request": "true", "HX-Target": f"conversacion-{conv_id}"}
    r = _responder(web, conv_id, "Te escribo por acá", headers=headers)
    assert r.status_code == 200
    assert r.text.lstrip().startswith(f'<section id="conversacion-{conv_id}"')
    assert "Te escribo por acá" in r.text
    assert len(_salientes(db)) == 1


def test_respuesta_vacia_o_larga_se_marca_en_el_campo(db: Database, login: Login) -> None:
    conv_id = _conversacion(db)
    web = login("calidad")
    for texto, mensaje in (
        ("", "Escribí la respuesta antes de enviarla."),
        ("   ", "Escribí la respuesta antes de enviarla."),
        ("x" * (MAX_TEXTO + 1), f"WhatsApp admite hasta {MAX_TEXTO} caracteres por mensaje."),
    ):
        r = _responder(web, conv_id, texto)
        assert r.status_code == 400
        html = r.text
        assert f'<small class="campo-error" id="texto-{conv_id}-error">{mensaje}</small>' in html
        assert f'aria-describedby="texto-{conv_id}-error"' in html
        assert 'aria-invalid="true"' in html
    assert _salientes(db) == []
    assert _responder(web, conv_id, "x" * MAX_TEXTO).status_code == 303
    assert len(_salientes(db)) == 1


def test_ventana_de_24_horas_cerrada(db: Database, login: Login) -> None:
    conv_id = _conversacion(db, hace=timedelta(hours=25))
    web = login("calidad")
    pagina = web.get(f"/conversaciones/{conv_id}").text
    assert "Enviar respuesta" not in pagina
    assert "WhatsApp sólo permite plantillas" in pagina
    r = _responder(web, conv_id, "¿Seguís ahí?")
    assert r.status_code == 409
    assert f'id="texto-{conv_id}-error">Pasaron más de 24 h' in r.text
    assert "¿Seguís ahí?</textarea>" in r.text
    assert _salientes(db) == []


def test_devolver_al_bot(db: Database, api: Api, login: Login) -> None:
    conv_id = _conversacion(db)
    web = login("calidad")
    csrf = token(web, f"/conversaciones/{conv_id}")
    r = web.post(
        f"/conversaciones/{conv_id}/devolver", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert r.status_code == 303
    esperan = api.get("/api/conversaciones", params={"requiere_humano": "true"}).json()["data"]
    assert esperan == []
    assert "La conversación volvió al bot." in web.get(f"/conversaciones/{conv_id}").text


def test_lectura_no_puede_responder_ni_devolver(db: Database, login: Login) -> None:
    conv_id = _conversacion(db)
    web = login("lectura")
    assert _responder(web, conv_id, "hola").status_code == 403
    csrf = token(web)
    r = web.post(f"/conversaciones/{conv_id}/devolver", data={"csrf_token": csrf})
    assert r.status_code == 403
    assert _salientes(db) == []


def test_sin_csrf_se_rechaza(db: Database, login: Login) -> None:
    conv_id = _conversacion(db)
    web = login("calidad")
    r = web.post(f"/conversaciones/{conv_id}/responder", data={"texto": "hola"})
    assert r.status_code == 403
    assert "El formulario venció" in r.text
    assert _salientes(db) == []


def test_conversacion_inexistente(login: Login) -> None:
    web = login("calidad")
    otra = uuid.uuid4()
    assert web.get(f"/conversaciones/{otra}").status_code == 404
    assert _responder(web, str(otra), "hola").status_code == 404
    assert web.get("/conversaciones/no-es-un-id").status_code in (400, 404)


def test_paginacion(db: Database, login: Login) -> None:
    for n in range(POR_PAGINA + 1):
        _conversacion(db, telefono=f"54911{n:08d}", nombre=f"Cliente {n}")
    web = login("lectura")
    primera = web.get("/conversaciones").text
    assert primera.count('<article class="conv"') == POR_PAGINA
    assert "Página 1 de 2" in primera
    assert web.get("/conversaciones?page=2").text.count('<article class="conv"') == 1
