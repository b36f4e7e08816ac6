"""The Python SDK (vetanco.sdk) against a real server: every resource, sync client."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date

import pytest
from openpyxl import load_workbook

from tests.factories import caso_payload, cuit_valido
from tests.sdk.conftest import ClientFactory
from vetanco.sdk import Conflicto, Descarga, NoEncontrado, VetancoClient, models


def _colaborador(sdk: VetancoClient, nombre: str = "Dr. Carlos López") -> uuid.UUID:
    creado = sdk.colaboradores.create(nombre=nombre, cargo="Investigador de Calidad")
    return creado.colaborador.id


def test_spec_example_create_get_list_clasificar_estado_historial(sdk: VetancoClient) -> None:
    creado = sdk.casos.create(**caso_payload())
    assert isinstance(creado, models.CasoCreado)
    assert creado.status == "success"
    numero = creado.caso.numero_caso

    caso = sdk.casos.get(numero).caso
    assert caso.numero_caso == numero
    assert caso.estado == "nuevo"
    assert caso.cliente.cuit == "30-12345678-1"
    assert caso.productos_afectados[0].nombre_producto == "Vetancilina 100ml"
    assert caso.descripcion.cuando_ocurrio is not None

    clasificado = sdk.casos.clasificar(
        numero,
        tipo_caso="reclamo",
        criticidad="menor",
        justificacion="justificado",
        motivo="Confirmado por laboratorio",
    )
    assert clasificado.caso.criticidad == "menor"
    assert clasificado.clasificacion_registrada.id

    pagina = sdk.casos.list(tipo_caso="reclamo", criticidad="menor")
    assert isinstance(pagina, models.CasoList)
    assert [c.numero_caso for c in pagina.data] == [numero]
    assert pagina.pagination.total == 1
    assert sdk.casos.list(tipo_caso="reclamo", criticidad="critico").data == []

    estado = sdk.casos.estado(
        numero, estado="resuelto", resolucion="Se reemplazó el lote", acciones_correctivas="QA"
    )
    assert estado.caso.estado == "resuelto"

    historial = sdk.casos.historial(numero)
    assert historial.numero_caso == numero
    acciones = [e.accion for e in historial.data]
    assert len(acciones) >= 3
    assert [e.secuencia for e in historial.data] == sorted(e.secuencia for e in historial.data)
    assert all(e.hash for e in historial.data)


def test_list_filters_reach_the_server(sdk: VetancoClient) -> None:
    queja = sdk.casos.create(**caso_payload(tipo_caso="queja", canal="email")).caso.numero_caso
    lote = sdk.casos.create(**caso_payload(producto={"numero_lote": "LOTE-SDK-1"}))
    numero_lote = lote.caso.numero_caso

    assert [c.numero_caso for c in sdk.casos.list(tipo_caso="queja").data] == [queja]
    assert [c.numero_caso for c in sdk.casos.list(canal="email").data] == [queja]
    assert [c.numero_caso for c in sdk.casos.list(numero_lote="LOTE-SDK-1").data] == [numero_lote]
    assert [c.numero_caso for c in sdk.casos.list(q=numero_lote).data] == [numero_lote]
    assert sdk.casos.list(estado="cerrado").data == []
    adversos = sdk.casos.list(evento_adverso=True).data  # both tell of poisoned cattle
    assert {c.numero_caso for c in adversos} == {queja, numero_lote}
    assert sdk.casos.list(evento_adverso=False).data == []
    hoy = date.today()
    assert sdk.casos.list(fecha_desde=hoy, fecha_hasta=hoy).pagination.total == 2
    assert sdk.casos.list(fecha_hasta="2001-01-01").pagination.total == 0
    ordenados = sdk.casos.list(orden="numero_caso", tipo_caso=None)
    assert [c.numero_caso for c in ordenados.data] == sorted([queja, numero_lote])


def test_export_csv_and_xlsx_with_filters(sdk: VetancoClient) -> None:
    queja = sdk.casos.create(**caso_payload(tipo_caso="queja", canal="email")).caso.numero_caso
    sdk.casos.create(**caso_payload(canal="telefono"))
    archivo = sdk.casos.export(canal="email")
    assert isinstance(archivo, Descarga)
    assert archivo.content_type == "text/csv; charset=utf-8"
    assert str(archivo.filename).endswith(".csv")
    filas = list(csv.DictReader(io.StringIO(archivo.data.decode("utf-8-sig"))))
    assert [f["numero_caso"] for f in filas] == [queja]
    libro = sdk.casos.export(formato="xlsx", orden="numero_caso")
    hoja = load_workbook(io.BytesIO(libro.data)).worksheets[0]
    assert hoja.max_row == 3


def test_iter_all_walks_every_page(sdk: VetancoClient) -> None:
    creados = [sdk.casos.create(**caso_payload()).caso.numero_caso for _ in range(7)]
    primera = sdk.casos.list(limit=3)
    assert primera.pagination.total_pages == 3
    assert len(primera.data) == 3

    todos = [c.numero_caso for c in sdk.casos.iter_all(limit=3)]
    assert todos == creados  # oldest first: pages do not shift while iterating
    assert list(sdk.casos.iter_all(limit=3, tipo_caso="queja")) == []
    assert len(list(sdk.casos.iter_all(limit=2, canal="telefono"))) == 7


def test_create_is_idempotent_with_a_key(sdk: VetancoClient) -> None:
    body = caso_payload()
    primero = sdk.casos.create(**body, idempotency_key="alta-erp-42")
    repetido = sdk.casos.create(**body, idempotency_key="alta-erp-42")
    assert repetido.caso.numero_caso == primero.caso.numero_caso
    assert sdk.casos.list().pagination.total == 1
    # Without a key the SDK makes a fresh one per call: the server sees a duplicate case.
    with pytest.raises(Conflicto) as duplicado:
        sdk.casos.create(**body)
    assert duplicado.value.status == 409
    assert primero.caso.numero_caso in duplicado.value.message
    assert sdk.casos.list().pagination.total == 1


def test_investigaciones_iniciar_get_actualizar_completar(sdk: VetancoClient) -> None:
    numero = sdk.casos.create(**caso_payload(tipo_caso="reclamo", criticidad="critico"))
    numero_caso = numero.caso.numero_caso
    investigador = _colaborador(sdk)

    iniciada = sdk.investigaciones.iniciar(numero_caso, investigador_id=investigador)
    inv = iniciada.investigacion
    assert inv.caso_numero == numero_caso
    assert inv.estado == "en_proceso"
    assert inv.investigador == "Dr. Carlos López"
    assert sdk.casos.get(numero_caso).caso.estado == "en_investigacion"

    actualizada = sdk.investigaciones.actualizar(
        inv.id, hallazgos="Contaminación del lote", analisis_laboratorio="Lab-2025-456"
    )
    assert actualizada.investigacion.id == inv.id
    detalle = sdk.investigaciones.get(inv.id).investigacion
    assert detalle.hallazgos == "Contaminación del lote"
    assert detalle.caso_numero == numero_caso

    completada = sdk.investigaciones.completar(str(inv.id), causa_raiz="Falla de limpieza")
    assert completada.investigacion.estado == "completada"
    assert sdk.investigaciones.get(inv.id).investigacion.fecha_fin is not None
    caso = sdk.casos.get(numero_caso).caso
    assert caso.investigacion is not None
    assert caso.investigacion.causa_raiz == "Falla de limpieza"


def test_estadisticas_and_clientes(sdk: VetancoClient) -> None:
    cuit = cuit_valido(7)
    sdk.casos.create(**caso_payload(tipo_caso="reclamo", criticidad="critico"))
    sdk.casos.create(
        **caso_payload(tipo_caso="queja", cliente={"cuit": cuit, "razon_social": "La Esperanza"})
    )
    stats = sdk.estadisticas.get(fecha_desde="2020-01-01", fecha_hasta=date.today())
    assert isinstance(stats, models.Estadisticas)
    assert stats.totales.total_casos == 2
    assert stats.totales.reclamos == 1
    assert stats.totales.quejas == 1
    assert stats.por_criticidad.critico == 1
    assert stats.por_estado.nuevo == 2
    assert stats.productos_con_mas_reclamos[0].producto == "Vetancilina 100ml"
    assert sdk.estadisticas.get().totales.total_casos == 2

    (encontrado,) = sdk.clientes.search(cuit=cuit).data
    assert encontrado.razon_social == "La Esperanza"
    assert encontrado.total_casos == 1
    assert encontrado.casos_abiertos == 1
    assert [c.cuit for c in sdk.clientes.search(search="esperanza").data] == [cuit]
    assert sdk.clientes.search(telefono="11-5555-1234").pagination.total == 2
    assert len(list(sdk.clientes.iter_all(limit=1))) == 2


def test_webhooks_crud(sdk: VetancoClient, live_server: str) -> None:
    url = f"{live_server}/recibir"
    creado = sdk.webhooks.create(url=url, events=["caso.creado"], description="ERP")
    assert creado.secret.startswith("whsec_")
    assert creado.enabled
    assert [w.id for w in sdk.webhooks.list().data] == [creado.id]
    assert sdk.webhooks.get(creado.id).url == url

    cambiado = sdk.webhooks.update(creado.id, events=["*"], enabled=False)
    assert cambiado.events == ["*"]
    assert not cambiado.enabled

    rotado = sdk.webhooks.rotar_secreto(creado.id)
    assert rotado.secret != creado.secret
    ping = sdk.webhooks.probar(creado.id)
    entregas = sdk.webhooks.entregas(creado.id)
    assert [e.id for e in entregas.data] == [ping.entrega_id]
    assert entregas.data[0].evento == "ping"
    assert [e.id for e in sdk.webhooks.iter_entregas(creado.id, estado="pendiente")] == [
        ping.entrega_id
    ]
    reenviada = sdk.webhooks.reenviar_entrega(creado.id, ping.entrega_id)
    assert reenviada.id == ping.entrega_id
    assert sdk.webhooks.reenviar_desde(creado.id, desde="2020-01-01").reenviadas >= 1

    assert sdk.webhooks.delete(creado.id) is None
    assert sdk.webhooks.list().data == []


def test_senales_fusion_evento_adverso_sla(sdk: VetancoClient) -> None:
    body = caso_payload(tipo_caso="reclamo", criticidad="critico", producto={"numero_lote": "K9"})
    numero = sdk.casos.create(**body).caso.numero_caso

    (senal,) = sdk.senales.list(lote="K9").data
    assert senal.motivo_apertura == "critico"
    assert [s.id for s in sdk.senales.iter_all(estado="abierta")] == [senal.id]
    detalle = sdk.senales.get(senal.id).senal
    assert [c.numero_caso for c in detalle.casos] == [numero]
    movida = sdk.senales.actualizar(senal.id, estado="en_evaluacion", motivo="Contramuestras")
    assert movida.cambio.estado_nuevo == "en_evaluacion"

    evento = sdk.casos.evento_adverso(numero, especie="bovino", animales_tratados=50, dosis="10 ml")
    assert evento.evento_adverso is not None
    assert evento.evento_adverso.especie == "bovino"
    sla = sdk.casos.espera(numero, esperando_cliente=True, motivo="Pedimos fotos")
    assert sla is not None
    assert sla.pausado

    duplicado = sdk.casos.create(**caso_payload()).caso.numero_caso
    fusion = sdk.casos.fusionar(duplicado, en=numero, motivo="Mismo episodio")
    assert fusion.fusionado_en == numero
    assert sdk.casos.get(duplicado).caso.fusionado_en == numero


def test_staff_keys_conversaciones_reten_salud(sdk: VetancoClient, sdk_de: ClientFactory) -> None:
    _colaborador(sdk, "María González")
    assert [c.nombre for c in sdk.colaboradores.list().data] == ["María González"]

    nueva = sdk.api_keys.create(name="erp-sdk", role="lectura")
    assert nueva.key
    lector = sdk_de(api_key=nueva.key)
    assert lector.casos.list().pagination.total == 0
    assert "erp-sdk" in [k.name for k in sdk.api_keys.list().data]
    assert sdk.api_keys.revocar("erp-sdk").revoked_at is not None

    assert sdk.conversaciones.list(requiere_humano=True).data == []
    assert sdk.reten.tareas(status="pending").data == []
    assert list(sdk.reten.iter_tareas()) == []
    assert sdk.reten.estado().modo == "apagado"
    numero = sdk.casos.create(**caso_payload()).caso.numero_caso
    assert sdk.casos.mensajes(numero).data == []
    assert sdk.casos.tareas_reten(numero).data == []
    assert sdk.salud.healthz().status == "ok"
    assert sdk.salud.readyz().database == "ok"


def test_adjunto_download(sdk: VetancoClient) -> None:
    """An external-URL attachment is never stored: downloading it is a 409 or 404, typed."""
    adjunto = {"tipo": "foto", "url": "https://storage.ejemplo.com/x.jpg", "nombre": "x.jpg"}
    numero = sdk.casos.create(**caso_payload(adjuntos=[adjunto])).caso.numero_caso
    (guardado,) = sdk.casos.get(numero).caso.adjuntos
    assert guardado.id is not None
    with pytest.raises((Conflicto, NoEncontrado)):
        sdk.casos.adjunto(numero, guardado.id)
    assert Descarga(b"x", None, None).data == b"x"


def test_responses_keep_fields_the_sdk_does_not_know() -> None:
    item = models.CasoListItem.model_validate(
        {
            "id": str(uuid.uuid4()),
            "numero_caso": "VET-2025-00001",
            "tipo_caso": "reclamo",
            "estado": "un_estado_nuevo",
            "cliente": {"nombre": "Juan"},
            "descripcion_que_sucedio": "x",
            "created_at": "2025-10-18T10:00:00Z",
            "updated_at": "2025-10-18T10:00:00Z",
            "campo_del_futuro": {"a": 1},
        }
    )
    assert item.estado == "un_estado_nuevo"
    assert item.model_extra == {"campo_del_futuro": {"a": 1}}
