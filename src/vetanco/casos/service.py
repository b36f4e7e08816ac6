"""Case rules: numbering, duplicates, classification and the state machine. Only flushes."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from vetanco.casos import clasificacion, historial, presenters, repository
from vetanco.casos.enums import TRANSICIONES, Criticidad, Estado, Justificacion, TipoCaso
from vetanco.casos.models import (
    Adjunto,
    Caso,
    Clasificacion,
    HistorialCaso,
    IdempotencyRecord,
    ProductoAfectado,
)
from vetanco.casos.repository import CasoFilters
from vetanco.casos.schemas import CasoClasificar, CasoCreate, CasoEstadoUpdate, CasoListItem
from vetanco.clientes.service import upsert_cliente
from vetanco.colaboradores.service import exigir_colaborador
from vetanco.db import utcnow
from vetanco.errors import Conflict, NotFound, ValidationFailed
from vetanco.politicas import Politicas
from vetanco.reten.acciones import completar_tareas_del_caso
from vetanco.sla import service as relojes
from vetanco.text import fingerprint, fold
from vetanco.webhooks.events import Evento
from vetanco.webhooks.service import emitir
from vetanco.whatsapp.notificaciones import avisar_cambio_de_estado

CRITICIDADES_CON_INVESTIGACION = (Criticidad.critico.value, Criticidad.mayor.value)


class TransicionInvalida(Conflict):
    code = "transicion_invalida"


class CasoDuplicado(Conflict):
    code = "caso_duplicado"


@dataclass(frozen=True, slots=True)
class Creacion:
    """Result of POST /api/casos: fresh, or replayed from an earlier Idempotency-Key."""

    status_code: int
    body: dict[str, Any]
    replayed: bool


def numero_caso(anio: int, secuencia: int) -> str:
    return f"VET-{anio}-{secuencia:05d}"


def obtener(session: Session, *, numero_caso: str, for_update: bool = False) -> Caso:
    caso = repository.by_numero(session, numero_caso, for_update=for_update)
    if caso is None:
        raise NotFound(f"No existe el caso {numero_caso}.")
    return caso


def listar(
    session: Session, *, filters: CasoFilters, page: int, limit: int, orden: str = "-created_at"
) -> tuple[list[CasoListItem], int]:
    filas, total = repository.list_filas(
        session,
        filters=filters,
        offset=(page - 1) * limit,
        limit=limit,
        orden=orden,
        relojes=relojes.SLA,
    )
    return presenters.list_items(filas), total


def crear_caso(
    session: Session,
    *,
    data: CasoCreate,
    actor: str,
    politicas: Politicas,
    origen_evento: str = "api",
) -> Caso:
    """Takes the year's number first: its row lock serialises creations, so the duplicate check is exact."""
    ahora = utcnow()
    secuencia = repository.next_number(session, anio=ahora.year)
    if data.colaborador_id:
        exigir_colaborador(
            session, colaborador_id=data.colaborador_id, loc=["body", "colaborador_id"]
        )
    cliente = upsert_cliente(session, data=data.cliente)
    productos = data.todos_los_productos()
    huella = fingerprint(data.descripcion.que_sucedio)
    lotes = {p.numero_lote.casefold() for p in productos if p.numero_lote}
    duplicado = repository.find_open_duplicate(
        session, cliente_id=cliente.id, que_sucedio_hash=huella, lotes=lotes
    )
    if duplicado:
        raise CasoDuplicado(
            f"Ya existe un caso abierto con el mismo cliente, lote y descripción: {duplicado}.",
            extra={"numero_caso": duplicado},
        )
    parecido = repository.find_similar_open(
        session,
        cliente_id=cliente.id,
        texto=data.descripcion.que_sucedio,
        lotes=lotes,
        umbral=politicas.similitud_duplicado,
    )
    clasificado = data.tipo_caso is not None
    caso = Caso(
        id=uuid.uuid4(),
        numero_caso=numero_caso(ahora.year, secuencia),
        tipo_caso=(data.tipo_caso or TipoCaso.pendiente_clasificacion).value,
        criticidad=data.criticidad.value if data.criticidad else None,
        justificacion=_justificacion_inicial(data.justificacion, clasificado),
        estado=Estado.nuevo.value,
        canal=data.canal.value,
        tipo_usuario_registro=data.tipo_usuario_registro.value
        if data.tipo_usuario_registro
        else "cliente",
        cliente_id=cliente.id,
        colaborador_id=data.colaborador_id,
        que_sucedio=data.descripcion.que_sucedio,
        que_sucedio_hash=huella,
        donde_ocurrio=data.descripcion.donde_ocurrio,
        cuando_ocurrio=data.descripcion.cuando_ocurrio,
        descripcion_libre=data.descripcion.descripcion_libre,
        numero_remito=data.numero_remito,
        registrado_por=actor,
        created_at=ahora,
        updated_at=ahora,
        clasificado_at=ahora if clasificado else None,
        posible_duplicado_de=parecido,
    )
    session.add(caso)
    for orden, p in enumerate(productos):
        session.add(
            ProductoAfectado(
                caso_id=caso.id,
                orden=orden,
                producto_clave=fold(p.nombre_producto)[:200],
                **p.model_dump(mode="python", exclude_none=False),
            )
        )
    for a in data.adjuntos:
        session.add(Adjunto(caso_id=caso.id, tipo=a.tipo, url=str(a.url), nombre=a.nombre))
    session.flush()
    if clasificado:
        session.add(
            Clasificacion(
                caso_id=caso.id,
                tipo_caso_anterior=TipoCaso.pendiente_clasificacion.value,
                tipo_caso=caso.tipo_caso,
                criticidad=caso.criticidad,
                justificacion=caso.justificacion,
                motivo="clasificación inicial al registrar",
                actor=actor,
                created_at=ahora,
            )
        )
    historial.registrar(
        session,
        caso=caso,
        accion="creado",
        actor=actor,
        colaborador_id=data.colaborador_id,
        cambios=historial.diff(
            {},
            {
                "numero_caso": caso.numero_caso,
                "tipo_caso": caso.tipo_caso,
                "criticidad": caso.criticidad,
                "justificacion": caso.justificacion,
                "estado": caso.estado,
                "canal": caso.canal,
                "cliente_id": caso.cliente_id,
                "productos": [p.nombre_producto for p in productos],
                "lotes": sorted(p.numero_lote for p in productos if p.numero_lote),
                "posible_duplicado_de": parecido,
            },
        ),
    )
    emitir(
        session,
        evento=Evento.caso_creado,
        clave=caso.numero_caso,
        data={
            "numero_caso": caso.numero_caso,
            "tipo_caso": caso.tipo_caso,
            "criticidad": caso.criticidad,
            "estado": caso.estado,
            "canal": caso.canal,
            "created_at": caso.created_at,
        },
    )
    session.refresh(caso)
    clasificacion.triage_inicial(
        session,
        caso=caso,
        politicas=politicas,
        datos_evento=data.evento_adverso,
        origen_evento=origen_evento,
    )
    if parecido:
        emitir(
            session,
            evento=Evento.caso_posible_duplicado,
            clave=caso.numero_caso,
            data={"numero_caso": caso.numero_caso, "posible_duplicado_de": parecido},
        )
    session.flush()
    return caso


def _justificacion_inicial(value: Justificacion | None, clasificado: bool) -> str | None:
    if value is not None:
        return value.value
    return Justificacion.pendiente_investigacion.value if clasificado else None


def _request_hash(data: CasoCreate) -> str:
    canonical = json.dumps(data.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def crear_caso_idempotente(
    session: Session,
    *,
    data: CasoCreate,
    actor: str,
    api_key_id: uuid.UUID,
    idempotency_key: str | None,
    politicas: Politicas,
) -> Creacion:
    """Honours Idempotency-Key: a retry gets the first answer, a different body with it gets 409."""
    if not idempotency_key:
        return Creacion(
            201,
            _creado_body(crear_caso(session, data=data, actor=actor, politicas=politicas)),
            False,
        )
    request_hash = _request_hash(data)
    replay = _replay(session, api_key_id=api_key_id, key=idempotency_key, request_hash=request_hash)
    if replay is not None:
        return replay
    record = IdempotencyRecord(
        api_key_id=api_key_id, key=idempotency_key, request_hash=request_hash
    )
    try:
        with session.begin_nested():
            session.add(record)
            session.flush()
    except IntegrityError:
        replay = _replay(
            session, api_key_id=api_key_id, key=idempotency_key, request_hash=request_hash
        )
        if replay is None:
            raise Conflict("Otra petición con la misma Idempotency-Key está en curso.") from None
        return replay
    body = _creado_body(crear_caso(session, data=data, actor=actor, politicas=politicas))
    record.status_code = 201
    record.response = body
    session.flush()
    return Creacion(201, body, False)


def _replay(
    session: Session, *, api_key_id: uuid.UUID, key: str, request_hash: str
) -> Creacion | None:
    record = repository.idempotency_record(session, api_key_id=api_key_id, key=key)
    if record is None or record.response is None or record.status_code is None:
        return None
    if record.request_hash != request_hash:
        raise Conflict(
            "Esta Idempotency-Key ya se usó con otro contenido; usá una clave nueva.",
            extra={"idempotency_key": key},
        )
    return Creacion(record.status_code, record.response, True)


def _creado_body(caso: Caso) -> dict[str, Any]:
    return {
        "status": "success",
        "caso": {
            "id": str(caso.id),
            "numero_caso": caso.numero_caso,
            "created_at": caso.created_at.isoformat().replace("+00:00", "Z"),
        },
    }


def clasificar(
    session: Session, *, numero_caso: str, data: CasoClasificar, actor: str, politicas: Politicas
) -> tuple[Caso, Clasificacion]:
    """A person's classification always wins; replacing another person's needs a motivo."""
    caso = obtener(session, numero_caso=numero_caso, for_update=True)
    if caso.estado == Estado.cerrado.value:
        raise Conflict(f"El caso {numero_caso} está cerrado; no se puede reclasificar.")
    if data.clasificado_por:
        exigir_colaborador(
            session, colaborador_id=data.clasificado_por, loc=["body", "clasificado_por"]
        )
    if not data.motivo and clasificacion.decidida_por_persona(session, caso=caso):
        raise ValidationFailed.field(["body", "motivo"], "indicá el motivo de la reclasificación")
    registro = clasificacion.aplicar(
        session,
        caso=caso,
        tipo_caso=data.tipo_caso.value,
        criticidad=data.criticidad.value if data.criticidad else None,
        justificacion=(data.justificacion or Justificacion.pendiente_investigacion).value,
        motivo=data.motivo,
        evidencias=data.evidencias,
        clasificado_por=data.clasificado_por,
        actor=actor,
        politicas=politicas,
    )
    return caso, registro


def _snapshot(caso: Caso, *fields: str) -> dict[str, Any]:
    return {f: getattr(caso, f) for f in fields}


def cambiar_estado(
    session: Session, *, numero_caso: str, data: CasoEstadoUpdate, actor: str
) -> Caso:
    caso = obtener(session, numero_caso=numero_caso, for_update=True)
    actual = Estado(caso.estado)
    nuevo = data.estado
    permitidas = sorted(e.value for e in TRANSICIONES[actual])
    if nuevo not in TRANSICIONES[actual]:
        detalle = ", ".join(permitidas) if permitidas else "ninguna (estado final)"
        raise TransicionInvalida(
            f"No se puede pasar de '{actual.value}' a '{nuevo.value}'. Transiciones permitidas: {detalle}.",
            extra={"estado_actual": actual.value, "transiciones_permitidas": permitidas},
        )
    campos = ("estado", "resolucion", "acciones_correctivas", "acciones_preventivas")
    antes = _snapshot(caso, *campos)
    ahora = utcnow()
    relojes.primera_respuesta(caso, at=ahora)
    if nuevo == Estado.resuelto:
        _exigir_resoluble(caso, data)
        caso.resolucion = data.resolucion
        caso.acciones_correctivas = data.acciones_correctivas or caso.acciones_correctivas
        caso.acciones_preventivas = data.acciones_preventivas or caso.acciones_preventivas
        caso.resuelto_at = ahora
        relojes.resuelto(caso, at=ahora)
    elif nuevo == Estado.en_investigacion:
        caso.en_investigacion_at = ahora
        caso.resuelto_at = None
        relojes.reabierto(caso)
    elif nuevo == Estado.cerrado:
        caso.cerrado_at = ahora
        relojes.resuelto(caso, at=ahora)
    caso.estado = nuevo.value
    caso.updated_at = ahora
    historial.registrar(
        session,
        caso=caso,
        accion="estado_actualizado",
        actor=actor,
        cambios=historial.diff(antes, _snapshot(caso, *campos)),
        motivo=data.motivo,
    )
    emitir_cambio_de_estado(session, caso=caso, anterior=actual.value)
    return caso


def emitir_cambio_de_estado(session: Session, *, caso: Caso, anterior: str) -> None:
    """caso.estado_actualizado always; caso.resuelto / caso.cerrado too; WhatsApp customers are told."""
    numero = caso.numero_caso
    avisar_cambio_de_estado(session, caso=caso)
    completar_tareas_del_caso(session, caso=caso)
    emitir(
        session,
        evento=Evento.caso_estado_actualizado,
        clave=numero,
        data={"numero_caso": numero, "estado_anterior": anterior, "estado_nuevo": caso.estado},
    )
    if caso.estado == Estado.resuelto.value:
        data = {
            "numero_caso": numero,
            "resolucion": caso.resolucion,
            "acciones_correctivas": caso.acciones_correctivas,
            "acciones_preventivas": caso.acciones_preventivas,
        }
        emitir(session, evento=Evento.caso_resuelto, clave=numero, data=data)
    elif caso.estado == Estado.cerrado.value:
        emitir(session, evento=Evento.caso_cerrado, clave=numero, data={"numero_caso": numero})


def _exigir_resoluble(caso: Caso, data: CasoEstadoUpdate) -> None:
    """GMP: a case is resolved only once assessed, and a serious defect only once its root cause is known."""
    if not data.resolucion:
        raise ValidationFailed.field(
            ["body", "resolucion"], "resolucion es obligatoria para resolver el caso"
        )
    if caso.tipo_caso == TipoCaso.pendiente_clasificacion.value:
        raise Conflict(f"Clasificá el caso {caso.numero_caso} antes de resolverlo.")
    if (
        caso.tipo_caso == TipoCaso.reclamo.value
        and caso.criticidad in CRITICIDADES_CON_INVESTIGACION
    ):
        inv = caso.investigacion
        if inv is None or not inv.causa_raiz:
            raise Conflict(
                f"Un reclamo {caso.criticidad} no puede resolverse sin una investigación con causa_raiz.",
                extra={"requiere": "investigacion.causa_raiz"},
            )


def historial_de(session: Session, *, numero_caso: str) -> tuple[Caso, list[HistorialCaso]]:
    caso = obtener(session, numero_caso=numero_caso)
    return caso, historial.entradas(session, caso_id=caso.id)
