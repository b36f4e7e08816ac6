"""Case detail page: every block, and the classify / state / investigation forms with their errors."""

from __future__ import annotations

import html as html_lib
import re
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.casos.helpers import detalle, historial, mover_ok
from tests.conftest import Api
from tests.factories import clasificar, crear_caso, crear_colaborador
from tests.web.helpers import token
from vetanco.casos.models import Adjunto, Caso
from vetanco.config import Settings
from vetanco.db import Database, utcnow
from vetanco.reten.models import TareaReten
from vetanco.web.paginas import caso as caso_pagina
from vetanco.whatsapp.models import Conversacion, MensajeWhatsapp

Login = Callable[[str], TestClient]
PNG = b"\x89PNG\r\n\x1a\n" + b"foto-del-lote" * 20
RELATO = "Murieron 3 terneros después de aplicar el producto"


def _caso_completo(api: Api, db: Database, settings: Settings) -> dict[str, Any]:
    """A case with every block: triage, adverse event, classification, investigation, files, chat, task."""
    investigador = crear_colaborador(api)
    numero = crear_caso(
        api,
        descripcion={"que_sucedio": RELATO, "donde_ocurrio": "Campo La Aurora"},
        evento_adverso={"especie": "bovino", "animales_tratados": 50, "animales_afectados": 5},
        adjuntos=[
            {"tipo": "documento", "url": "https://ejemplo.com/informe.pdf", "nombre": "informe.pdf"}
        ],
    )
    clasificar(api, numero, "reclamo", "critico", motivo="Muerte de animales")
    r = api.post(f"/api/casos/{numero}/investigacion", json={"investigador_id": investigador})
    assert r.status_code == 201, r.text
    inv_id = r.json()["investigacion"]["id"]
    r = api.put(f"/api/investigaciones/{inv_id}", json={"hallazgos": "Frascos con partículas"})
    assert r.status_code == 200, r.text
    ruta = "ab/foto.png"
    (settings.storage_dir / "ab").mkdir(parents=True, exist_ok=True)
    (settings.storage_dir / ruta).write_bytes(PNG)
    with db.transaction() as session:
        caso = session.scalars(select(Caso).where(Caso.numero_caso == numero)).unique().one()
        foto = Adjunto(
            caso_id=caso.id,
            tipo="foto",
            url="kapso://media/1",
            nombre="lote.png",
            estado="descargado",
            mime_type="image/png",
            ruta=ruta,
        )
        session.add(foto)
        conv = Conversacion(telefono="5491155551234", contact_name="Juan")
        session.add(conv)
        session.flush()
        for direccion, texto in (
            ("entrante", "Hola, se murieron terneros"),
            ("saliente", "Lo sentimos, ¿qué lote?"),
        ):
            session.add(
                MensajeWhatsapp(
                    conversacion_id=conv.id,
                    caso_id=caso.id,
                    direccion=direccion,
                    tipo="text",
                    texto=texto,
                    contenido={},
                    estado="recibido" if direccion == "entrante" else "entregado",
                    autor="cliente" if direccion == "entrante" else "bot",
                )
            )
        session.add(
            TareaReten(
                id="task_web_1",
                title="Retirar muestras del lote",
                status="pending",
                priority="high",
                raw={},
                caso_id=caso.id,
                synced_at=utcnow(),
            )
        )
        foto_id = str(foto.id)
    return {"numero": numero, "foto": foto_id, "investigador": investigador, "inv": inv_id}


def _post(
    web: TestClient, numero: str, ruta: str, data: dict[str, str], *, htmx: bool = False
) -> httpx.Response:
    headers = {"HX-Request": "true"} if htmx else {}
    body = {"csrf_token": token(web), **data}
    return web.post(f"/casos/{numero}/{ruta}", data=body, headers=headers, follow_redirects=False)


def _error_de(html: str, fid: str) -> str:
    """The message shown under a field, checking it is tied to the field for screen readers."""
    assert f'id="{fid}" name=' in html
    assert re.search(
        rf'id="{fid}" name="[^"]+" aria-invalid="true" aria-describedby="{fid}-error"', html
    ), fid
    match = re.search(rf'<small class="campo-error" id="{fid}-error">([^<]+)</small>', html)
    assert match, f"sin error junto a {fid}"
    return html_lib.unescape(match.group(1))


def test_detalle_muestra_todos_los_bloques(
    api: Api, db: Database, settings: Settings, login: Login
) -> None:
    c = _caso_completo(api, db, settings)
    web = login("calidad")
    r = web.get(f"/casos/{c['numero']}")
    assert r.status_code == 200
    html = r.text
    assert f"<h1>{c['numero']}</h1>" in html
    assert 'class="badge b-critico"' in html
    assert 'class="badge b-en_investigacion"' in html
    assert "Agropecuaria Los Pinos SA" in html
    assert "Campo La Aurora" in html
    assert RELATO in html
    assert "ABC" in html
    foto = f"/casos/{c['numero']}/adjuntos/{c['foto']}"
    assert f'<img src="{foto}" loading="lazy" alt="lote.png' in html
    assert 'href="https://ejemplo.com/informe.pdf"' in html
    assert 'class="msg entrante"' in html
    assert "Hola, se murieron terneros" in html
    assert 'class="msg saliente"' in html
    assert "¿qué lote?" in html
    assert "Sugerencia de clasificación" in html
    assert "«murieron»" in html
    assert "95%" in html
    assert "Faltan datos VICH" in html
    assert "Dosis" in html
    assert "Reporte regulatorio" in html
    assert "Primera respuesta" in html
    assert "Plazos (SLA)" in html
    assert "Retirar muestras del lote" in html
    assert "Dr. Carlos López" in html
    assert "Frascos con partículas" in html
    for ruta in ("clasificar", "estado", "investigacion/actualizar", "investigacion/completar"):
        assert f'action="/casos/{c["numero"]}/{ruta}"' in html
    linea = html.index('id="historial"')
    acciones = re.findall(r"<strong>([^<]+)</strong> · <span class=\"actor\">", html[linea:])
    assert acciones[0] == "Investigación actualizada"
    assert acciones[-1] == "Creado"
    assert "Frascos con partículas</strong>" in html[linea:]


def test_adjunto_se_sirve_con_la_sesion(
    api: Api, db: Database, settings: Settings, login: Login, client: TestClient
) -> None:
    c = _caso_completo(api, db, settings)
    ruta = f"/casos/{c['numero']}/adjuntos/{c['foto']}"
    assert client.get(ruta, follow_redirects=False).status_code == 303
    web = login("lectura")
    r = web.get(ruta)
    assert r.status_code == 200
    assert r.content == PNG
    assert r.headers["content-type"] == "image/png"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert web.get(f"/casos/{c['numero']}/adjuntos/{uuid.uuid4()}").status_code == 404


def test_lectura_ve_el_caso_sin_formularios_y_no_puede_enviarlos(api: Api, login: Login) -> None:
    numero = crear_caso(api)
    web = login("lectura")
    html = web.get(f"/casos/{numero}").text
    assert "<form" not in html.split('id="contenido"')[1]
    for ruta, data in (
        ("clasificar", {"tipo_caso": "queja"}),
        ("estado", {"estado": "en_investigacion"}),
        ("investigacion", {"investigador_id": str(uuid.uuid4())}),
        ("investigacion/actualizar", {"hallazgos": "x"}),
        ("investigacion/completar", {"causa_raiz": "x"}),
    ):
        r = _post(web, numero, ruta, data)
        assert r.status_code == 403, ruta
        assert "No tenés permiso" in r.text
    assert detalle(api, numero)["tipo_caso"] == "pendiente_clasificacion"


def test_sin_token_csrf_se_rechaza(api: Api, login: Login) -> None:
    numero = crear_caso(api)
    web = login("calidad")
    r = web.post(f"/casos/{numero}/clasificar", data={"tipo_caso": "queja"}, follow_redirects=False)
    assert r.status_code == 403
    assert "formulario venció" in r.text
    assert detalle(api, numero)["tipo_caso"] == "pendiente_clasificacion"


def test_caso_inexistente_da_404(login: Login) -> None:
    web = login("calidad")
    r = web.get("/casos/VET-2020-99999")
    assert r.status_code == 404
    assert "No encontrado" in r.text
    assert _post(web, "VET-2020-99999", "clasificar", {"tipo_caso": "queja"}).status_code == 404


def test_clasificar_cambia_el_badge_y_el_historial(api: Api, login: Login) -> None:
    numero = crear_caso(api)
    web = login("calidad")
    r = _post(
        web,
        numero,
        "clasificar",
        {"tipo_caso": "reclamo", "criticidad": "mayor", "evidencias": "Fotos"},
    )
    assert r.status_code == 303
    assert r.headers["location"] == f"/casos/{numero}"
    html = web.get(f"/casos/{numero}").text
    assert 'class="badge b-mayor"' in html
    assert "Clasificación guardada." in html
    assert "Clasificación guardada." not in web.get(f"/casos/{numero}").text
    ultima = historial(api, numero)[-1]
    assert ultima["accion"] == "clasificado"
    assert ultima["actor"] == "usuario:calidad@vetanco.com.ar"
    assert "Fotos</strong>" in html


def test_clasificar_por_htmx_pide_recargar(api: Api, login: Login) -> None:
    numero = crear_caso(api)
    web = login("calidad")
    r = _post(web, numero, "clasificar", {"tipo_caso": "queja"}, htmx=True)
    assert r.status_code == 204
    assert r.headers["HX-Redirect"] == f"/casos/{numero}"
    assert detalle(api, numero)["tipo_caso"] == "queja"


def test_reclamo_sin_criticidad_muestra_el_error_junto_al_campo(api: Api, login: Login) -> None:
    numero = crear_caso(api)
    web = login("calidad")
    r = _post(web, numero, "clasificar", {"tipo_caso": "reclamo", "motivo": "Revisado"})
    assert r.status_code == 400
    assert "<html" in r.text
    assert "necesita criticidad" in _error_de(r.text, "clasificar-criticidad")
    assert ">Revisado</textarea>" in r.text
    parcial = _post(web, numero, "clasificar", {"tipo_caso": "reclamo"}, htmx=True)
    assert parcial.status_code == 400
    assert parcial.text.lstrip().startswith('<section id="clasificar"')
    assert "necesita criticidad" in _error_de(parcial.text, "clasificar-criticidad")
    assert detalle(api, numero)["tipo_caso"] == "pendiente_clasificacion"


def test_reclasificar_lo_de_una_persona_exige_motivo(api: Api, login: Login) -> None:
    numero = crear_caso(api)
    clasificar(api, numero, "reclamo", "critico")
    antes = len(historial(api, numero))
    web = login("calidad")
    r = _post(web, numero, "clasificar", {"tipo_caso": "reclamo", "criticidad": "menor"})
    assert r.status_code == 400
    assert "motivo" in _error_de(r.text, "clasificar-motivo")
    assert "obligatorio para cambiar" in r.text
    assert detalle(api, numero)["criticidad"] == "critico"
    assert len(historial(api, numero)) == antes


def test_transicion_invalida_muestra_el_error(api: Api, login: Login) -> None:
    numero = crear_caso(api)
    clasificar(api, numero, "queja", None)
    web = login("calidad")
    r = _post(web, numero, "estado", {"estado": "cerrado"})
    assert r.status_code == 409
    assert "No se puede pasar de 'nuevo' a 'cerrado'" in _error_de(r.text, "estado-estado")
    parcial = _post(web, numero, "estado", {"estado": "cerrado"}, htmx=True)
    assert parcial.text.lstrip().startswith('<section id="estado"')


def test_resolver_sin_resolucion_no_deja_rastros(api: Api, login: Login) -> None:
    numero = crear_caso(api)
    clasificar(api, numero, "queja", None)
    web = login("calidad")
    r = _post(web, numero, "estado", {"estado": "resuelto", "acciones_correctivas": "Charla"})
    assert r.status_code == 400
    assert "resolucion es obligatoria" in _error_de(r.text, "estado-resolucion").lower()
    assert ">Charla</textarea>" in r.text
    caso = detalle(api, numero)
    assert caso["estado"] == "nuevo"
    assert caso["acciones_correctivas"] is None
    ok = _post(web, numero, "estado", {"estado": "resuelto", "resolucion": "Se repuso el pedido"})
    assert ok.status_code == 303
    html = web.get(f"/casos/{numero}").text
    assert 'class="badge b-resuelto"' in html
    assert "Se repuso el pedido" in html


def test_resolver_critico_sin_causa_raiz_avisa_arriba_del_formulario(
    api: Api, login: Login
) -> None:
    numero = crear_caso(api)
    clasificar(api, numero, "reclamo", "critico")
    mover_ok(api, numero, "en_investigacion")
    web = login("calidad")
    r = _post(web, numero, "estado", {"estado": "resuelto", "resolucion": "Listo"})
    assert r.status_code == 409
    seccion = r.text[r.text.index('id="estado"') :]
    assert 'class="alerta" role="alert"' in seccion
    assert "causa_raiz" in seccion


def test_investigacion_iniciar_actualizar_completar_y_reabrir(api: Api, login: Login) -> None:
    numero = crear_caso(api)
    clasificar(api, numero, "reclamo", "mayor")
    investigador = crear_colaborador(api, nombre="Dra. Ana Ruiz")
    web = login("calidad")
    sin = _post(web, numero, "investigacion", {})
    assert sin.status_code == 400
    assert _error_de(sin.text, "inv-iniciar-investigador_id") == "Campo obligatorio."
    otro = _post(web, numero, "investigacion", {"investigador_id": str(uuid.uuid4())}, htmx=True)
    assert otro.status_code == 400
    assert otro.text.lstrip().startswith('<section id="investigacion"')
    assert "no existe un colaborador" in _error_de(otro.text, "inv-iniciar-investigador_id").lower()

    assert _post(web, numero, "investigacion", {"investigador_id": investigador}).status_code == 303
    caso = detalle(api, numero)
    assert caso["estado"] == "en_investigacion"
    assert caso["investigacion"]["investigador"] == "Dra. Ana Ruiz"

    act = _post(
        web,
        numero,
        "investigacion/actualizar",
        {"hallazgos": "Tapón flojo", "analisis_laboratorio": "Lab-1"},
    )
    assert act.status_code == 303
    assert detalle(api, numero)["investigacion"]["hallazgos"] == "Tapón flojo"
    a_medias = {"hallazgos": "No debe quedar", "estado": "completada"}
    sin_causa = _post(web, numero, "investigacion/actualizar", a_medias)
    assert sin_causa.status_code == 400
    assert "causa_raiz es obligatoria" in _error_de(sin_causa.text, "inv-act-causa_raiz").lower()
    assert detalle(api, numero)["investigacion"]["hallazgos"] == "Tapón flojo"
    vacio = _post(web, numero, "investigacion/actualizar", {})
    assert vacio.status_code == 400
    assert "Enviá al menos un campo" in vacio.text

    falta = _post(web, numero, "investigacion/completar", {})
    assert falta.status_code == 400
    assert "causa_raiz es obligatoria" in _error_de(falta.text, "inv-fin-causa_raiz").lower()
    assert detalle(api, numero)["investigacion"]["estado"] == "en_proceso"

    fin = _post(web, numero, "investigacion/completar", {"causa_raiz": "Falla de sellado"})
    assert fin.status_code == 303
    inv = detalle(api, numero)["investigacion"]
    assert inv["estado"] == "completada"
    assert inv["causa_raiz"] == "Falla de sellado"
    html = web.get(f"/casos/{numero}").text
    assert "Investigación completada." in html
    assert "Reabrir investigación" in html
    assert (
        _post(web, numero, "investigacion/actualizar", {"estado": "en_proceso"}).status_code == 303
    )
    assert detalle(api, numero)["investigacion"]["estado"] == "en_proceso"
    acciones = [e["accion"] for e in historial(api, numero)]
    assert acciones.count("investigacion_actualizada") == 3


def test_actualizar_sin_investigacion_es_conflicto(api: Api, login: Login) -> None:
    numero = crear_caso(api)
    web = login("calidad")
    r = _post(web, numero, "investigacion/actualizar", {"hallazgos": "x"})
    assert r.status_code == 409
    assert "todavía no tiene investigación" in r.text


def test_historial_largo_se_corta_con_enlace_a_todo(
    api: Api, login: Login, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(caso_pagina, "HISTORIAL_VISIBLE", 2)
    numero = crear_caso(api)
    clasificar(api, numero, "queja", None)
    clasificar(api, numero, "comentario", None, motivo="Era un comentario")
    web = login("lectura")
    corto = web.get(f"/casos/{numero}").text
    assert corto.count('<span class="actor">') == 2
    assert f'href="/casos/{numero}?historial=todo#historial"' in corto
    assert "Motivo: Era un comentario" in corto
    todo = web.get(f"/casos/{numero}?historial=todo").text
    assert todo.count('<span class="actor">') == len(historial(api, numero))
