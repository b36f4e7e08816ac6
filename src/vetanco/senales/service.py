"""Lot signals: opened by rule whenever a case changes, then decided by Calidad. Only flushes."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from vetanco.casos.enums import Criticidad, TipoCaso
from vetanco.casos.models import Caso
from vetanco.db import utcnow
from vetanco.errors import Conflict, NotFound
from vetanco.politicas import Politicas
from vetanco.schemas import Pagination
from vetanco.senales import repository
from vetanco.senales.enums import (
    CERRADAS,
    TRANSICIONES,
    EstadoSenal,
    MotivoApertura,
    OrigenVinculo,
)
from vetanco.senales.models import Senal, SenalCambio, SenalCaso
from vetanco.senales.provincias import provincia_de
from vetanco.senales.repository import Lote, SenalFilters
from vetanco.senales.schemas import (
    OtroLoteRead,
    SenalCambioRead,
    SenalCasoRead,
    SenalClienteRead,
    SenalDetalleRead,
    SenalList,
    SenalProvinciaRead,
    SenalRead,
    SenalUpdate,
    VentanaRead,
)
from vetanco.webhooks.events import Evento
from vetanco.webhooks.service import emitir

SISTEMA = "sistema"
OTROS_LOTES = 20


class TransicionInvalida(Conflict):
    code = "transicion_invalida"


# --- detection -----------------------------------------------------------------------------


def evaluar_caso(session: Session, *, caso: Caso, politicas: Politicas) -> list[Senal]:
    """Run whenever a case is created, (re)classified or gets products: opens or joins signals.

    Only reclamos about a lot count. A lot with a vigente signal gathers the case; otherwise a
    signal opens when the lot reaches the threshold within the window, or the case is crítico.
    """
    if caso.tipo_caso != TipoCaso.reclamo.value or caso.fusionado_en:
        return []
    ahora = utcnow()
    senales: list[Senal] = []
    for lote, nombre in repository.lotes_del_caso(session, caso.id):
        senal = _evaluar_lote(
            session, caso=caso, lote=lote, nombre=nombre, politicas=politicas, ahora=ahora
        )
        if senal is not None:
            senales.append(senal)
    return senales


def _evaluar_lote(
    session: Session,
    *,
    caso: Caso,
    lote: Lote,
    nombre: str,
    politicas: Politicas,
    ahora: datetime,
) -> Senal | None:
    senal = repository.vigente(session, lote, for_update=True)
    if senal is not None:
        _vincular(
            session, senal=senal, caso_ids=[caso.id], origen=OrigenVinculo.posterior, ahora=ahora
        )
        return senal
    # After a signal closes, only what arrives later counts: the same evidence never reopens it.
    desde = ahora - timedelta(days=politicas.senal_ventana_dias)
    cierre = repository.ultimo_cierre(session, lote)
    if cierre is not None and cierre > desde:
        desde = cierre
    reclamos = repository.reclamos_en_ventana(session, lote, desde=desde)
    critico = caso.criticidad == Criticidad.critico.value and not repository.estuvo_en_senal(
        session, caso_id=caso.id, lote=lote
    )
    if critico:
        motivo = MotivoApertura.critico
    elif len(reclamos) >= politicas.senal_min_reclamos:
        motivo = MotivoApertura.umbral
    else:
        return None
    return _abrir(
        session,
        caso=caso,
        lote=lote,
        nombre=nombre,
        motivo=motivo,
        reclamos=reclamos,
        politicas=politicas,
        ahora=ahora,
    )


def _abrir(
    session: Session,
    *,
    caso: Caso,
    lote: Lote,
    nombre: str,
    motivo: MotivoApertura,
    reclamos: list[uuid.UUID],
    politicas: Politicas,
    ahora: datetime,
) -> Senal:
    senal = Senal(
        id=uuid.uuid4(),
        producto=nombre,
        producto_clave=lote[0],
        lote=lote[1],
        estado=EstadoSenal.abierta.value,
        motivo_apertura=motivo.value,
        caso_apertura=caso.numero_caso,
        abierta_at=ahora,
        updated_at=ahora,
    )
    try:
        with session.begin_nested():
            session.add(senal)
            session.flush()
    except IntegrityError:
        # Another transaction opened this lot's signal first (the partial unique index): join it.
        otra = repository.vigente(session, lote, for_update=True)
        if otra is None:
            raise
        _vincular(
            session, senal=otra, caso_ids=[caso.id], origen=OrigenVinculo.posterior, ahora=ahora
        )
        return otra
    ids = list(dict.fromkeys([*reclamos, caso.id]))
    _vincular(session, senal=senal, caso_ids=ids, origen=OrigenVinculo.apertura, ahora=ahora)
    casos = repository.numeros(session, ids)
    criticos = sum(1 for _, c in casos if c == Criticidad.critico.value)
    if motivo is MotivoApertura.critico:
        texto = f"Reclamo crítico {caso.numero_caso} sobre el lote {senal.lote}"
    else:
        texto = (
            f"{len(reclamos)} reclamos del lote {senal.lote} en {politicas.senal_ventana_dias} "
            f"días (umbral: {politicas.senal_min_reclamos})"
        )
    senal.cambios.append(
        SenalCambio(
            senal_id=senal.id,
            estado_anterior=None,
            estado_nuevo=EstadoSenal.abierta.value,
            motivo=texto,
            actor=SISTEMA,
            at=ahora,
        )
    )
    session.flush()
    emitir(
        session,
        evento=Evento.lote_senal_detectada,
        clave=caso.numero_caso,
        data={
            "senal_id": senal.id,
            "producto": senal.producto,
            "lote": senal.lote,
            "estado": senal.estado,
            "motivo_apertura": senal.motivo_apertura,
            "numero_caso": caso.numero_caso,
            "casos": [n for n, _ in casos],
            "reclamos_en_ventana": len(reclamos),
            "criticos": criticos,
            "umbral": politicas.senal_min_reclamos,
            "ventana_dias": politicas.senal_ventana_dias,
            "abierta_at": senal.abierta_at,
        },
    )
    return senal


def _vincular(
    session: Session,
    *,
    senal: Senal,
    caso_ids: list[uuid.UUID],
    origen: OrigenVinculo,
    ahora: datetime,
) -> None:
    existentes = repository.vinculados(session, senal.id)
    nuevos = [i for i in caso_ids if i not in existentes]
    for caso_id in nuevos:
        session.add(
            SenalCaso(senal_id=senal.id, caso_id=caso_id, origen=origen.value, vinculado_at=ahora)
        )
    if nuevos:
        senal.updated_at = ahora
    session.flush()


# --- reading and deciding ------------------------------------------------------------------


def obtener(session: Session, *, senal_id: uuid.UUID, for_update: bool = False) -> Senal:
    senal = repository.by_id(session, senal_id, for_update=for_update)
    if senal is None:
        raise NotFound(f"No existe la señal {senal_id}.")
    return senal


def _read(senal: Senal, resumen: repository.Resumen) -> dict[str, object]:
    return {
        "id": senal.id,
        "producto": senal.producto,
        "lote": senal.lote,
        "estado": senal.estado,
        "motivo_apertura": senal.motivo_apertura,
        "caso_apertura": senal.caso_apertura,
        "total_casos": resumen.total_casos,
        "criticos": resumen.criticos,
        "fecha_primer_caso": resumen.primero,
        "fecha_ultimo_caso": resumen.ultimo,
        "abierta_at": senal.abierta_at,
        "en_evaluacion_at": senal.en_evaluacion_at,
        "descartada_at": senal.descartada_at,
        "retiro_de_mercado_at": senal.retiro_de_mercado_at,
        "cerrada_at": senal.cerrada_at,
        "updated_at": senal.updated_at,
    }


def resumen(session: Session, senal: Senal) -> SenalRead:
    datos = repository.resumenes(session, [senal.id]).get(senal.id, repository.Resumen())
    return SenalRead.model_validate(_read(senal, datos))


def listar(session: Session, *, filters: SenalFilters, page: int, limit: int) -> SenalList:
    senales, total = repository.listar(
        session, filters=filters, offset=(page - 1) * limit, limit=limit
    )
    datos = repository.resumenes(session, [s.id for s in senales])
    return SenalList(
        data=[
            SenalRead.model_validate(_read(s, datos.get(s.id, repository.Resumen())))
            for s in senales
        ],
        pagination=Pagination.of(total=total, page=page, limit=limit),
    )


def _cambio(c: SenalCambio) -> SenalCambioRead:
    return SenalCambioRead.model_validate(
        {
            "estado_anterior": c.estado_anterior,
            "estado_nuevo": c.estado_nuevo,
            "motivo": c.motivo,
            "actor": c.actor,
            "at": c.at,
        }
    )


def detalle(session: Session, *, senal_id: uuid.UUID, politicas: Politicas) -> SenalDetalleRead:
    """The lot's cases, clients and provinces, and «¿otros lotes afectados?» in the window."""
    senal = obtener(session, senal_id=senal_id)
    filas = repository.casos_de(session, senal.id)
    casos = [
        SenalCasoRead.model_validate(
            {
                "numero_caso": f.numero_caso,
                "tipo_caso": f.tipo_caso,
                "criticidad": f.criticidad,
                "estado": f.estado,
                "fecha": f.created_at,
                "cliente": f.razon_social or f.nombre_apellido,
                "cuit": f.cuit,
                "provincia": provincia_de(f.donde_ocurrio, f.direccion),
                "origen": f.origen,
                "vinculado_at": f.vinculado_at,
            }
        )
        for f in filas
    ]
    por_cliente = Counter(f.cliente_id for f in filas)
    clientes: dict[uuid.UUID, SenalClienteRead] = {}
    for f in filas:
        clientes.setdefault(
            f.cliente_id,
            SenalClienteRead(
                id=f.cliente_id,
                nombre_apellido=f.nombre_apellido,
                razon_social=f.razon_social,
                cuit=f.cuit,
                casos=por_cliente[f.cliente_id],
            ),
        )
    provincias = Counter(c.provincia for c in casos if c.provincia)
    hasta = senal.cerrada_at or utcnow()
    desde = hasta - timedelta(days=politicas.senal_ventana_dias)
    lote: Lote = (senal.producto_clave, senal.lote)
    otros = [
        o
        for o in repository.lotes_del_producto(
            session,
            producto_clave=senal.producto_clave,
            desde=desde,
            hasta=hasta,
            limit=OTROS_LOTES + 1,
        )
        if o[1] != senal.lote
    ][:OTROS_LOTES]
    ultimas = repository.ultimas_senales(session, [(senal.producto_clave, o[1]) for o in otros])
    datos = repository.Resumen(
        total_casos=len(casos),
        criticos=sum(
            1
            for c in casos
            if c.tipo_caso == TipoCaso.reclamo and c.criticidad == Criticidad.critico
        ),
        primero=min((c.fecha for c in casos), default=None),
        ultimo=max((c.fecha for c in casos), default=None),
    )
    return SenalDetalleRead.model_validate(
        {
            **_read(senal, datos),
            "casos": casos,
            "clientes": list(clientes.values()),
            "provincias": [
                SenalProvinciaRead(provincia=p, casos=n)
                for p, n in sorted(provincias.items(), key=lambda item: (-item[1], item[0]))
            ],
            "ventana": VentanaRead(desde=desde, hasta=hasta, dias=politicas.senal_ventana_dias),
            "reclamos_en_ventana": len(
                repository.reclamos_en_ventana(session, lote, desde=desde, hasta=hasta)
            ),
            "otros_lotes": [
                OtroLoteRead(
                    lote=lt,
                    producto=nombre,
                    reclamos=total,
                    criticos=criticos,
                    senal_id=ultimas[(senal.producto_clave, lt)].id
                    if (senal.producto_clave, lt) in ultimas
                    else None,
                    senal_estado=EstadoSenal(ultimas[(senal.producto_clave, lt)].estado)
                    if (senal.producto_clave, lt) in ultimas
                    else None,
                )
                for nombre, lt, total, criticos in otros
            ],
            "historial": [_cambio(c) for c in senal.cambios],
        }
    )


def cambiar_estado(
    session: Session, *, senal_id: uuid.UUID, data: SenalUpdate, actor: str
) -> tuple[Senal, SenalCambioRead]:
    """Calidad's decision; descartada and retiro_de_mercado close the signal for good."""
    senal = obtener(session, senal_id=senal_id, for_update=True)
    actual = EstadoSenal(senal.estado)
    nuevo = data.estado
    if nuevo not in TRANSICIONES[actual]:
        permitidas = sorted(e.value for e in TRANSICIONES[actual])
        detalle_ = ", ".join(permitidas) if permitidas else "ninguna (la señal está cerrada)"
        raise TransicionInvalida(
            f"No se puede pasar la señal de '{actual.value}' a '{nuevo.value}'. "
            f"Transiciones permitidas: {detalle_}.",
            extra={"estado_actual": actual.value, "transiciones_permitidas": permitidas},
        )
    ahora = utcnow()
    setattr(senal, f"{nuevo.value}_at", ahora)
    if nuevo.value in CERRADAS:
        senal.cerrada_at = ahora
    senal.estado = nuevo.value
    senal.updated_at = ahora
    cambio = SenalCambio(
        senal_id=senal.id,
        estado_anterior=actual.value,
        estado_nuevo=nuevo.value,
        motivo=data.motivo,
        actor=actor,
        at=ahora,
    )
    senal.cambios.append(cambio)
    session.flush()
    return senal, _cambio(cambio)
