"""Merging a duplicate into the case it repeats: the duplicate closes, both histories stay."""

from __future__ import annotations

from sqlalchemy.orm import Session

from vetanco.casos import historial, repository
from vetanco.casos.enums import Estado
from vetanco.casos.models import Adjunto, Caso, ProductoAfectado
from vetanco.casos.schemas import FusionarIn, FusionResponse
from vetanco.casos.service import emitir_cambio_de_estado
from vetanco.db import utcnow
from vetanco.errors import Conflict, NotFound, ValidationFailed
from vetanco.farmacovigilancia import service as farmacovigilancia
from vetanco.farmacovigilancia.schemas import DatosEventoAdverso
from vetanco.politicas import Politicas
from vetanco.senales import service as senales
from vetanco.sla import service as relojes
from vetanco.webhooks.events import Evento
from vetanco.webhooks.service import emitir


def _bloquear(session: Session, numeros: list[str]) -> dict[str, Caso]:
    """Locks in a fixed order so two opposite merges cannot deadlock."""
    casos = {}
    for numero in sorted(numeros):
        caso = repository.by_numero(session, numero, for_update=True)
        if caso is not None:
            casos[numero] = caso
    return casos


def _copiar(session: Session, *, origen: Caso, destino: Caso) -> tuple[list[str], int]:
    lotes = {(p.producto_clave, (p.numero_lote or "").casefold()) for p in destino.productos}
    agregados: list[str] = []
    orden = len(destino.productos)
    for p in origen.productos:
        if (p.producto_clave, (p.numero_lote or "").casefold()) in lotes:
            continue
        session.add(
            ProductoAfectado(
                caso_id=destino.id,
                orden=orden,
                nombre_producto=p.nombre_producto,
                producto_clave=p.producto_clave,
                presentacion=p.presentacion,
                numero_lote=p.numero_lote,
                fecha_vencimiento=p.fecha_vencimiento,
                estado_producto=p.estado_producto,
                cantidad_afectada=p.cantidad_afectada,
                unidad_medida=p.unidad_medida,
            )
        )
        orden += 1
        agregados.append(f"{p.nombre_producto} {p.numero_lote or ''}".strip())
    urls = {a.url for a in destino.adjuntos}
    copias = 0
    for a in origen.adjuntos:
        if a.url in urls:
            continue
        session.add(
            Adjunto(
                caso_id=destino.id,
                tipo=a.tipo,
                url=a.url,
                nombre=a.nombre,
                mime_type=a.mime_type,
                size=a.size,
                estado=a.estado,
                media_id=a.media_id,
                sha256=a.sha256,
                ruta=a.ruta,
                created_at=a.created_at,
            )
        )
        copias += 1
    return agregados, copias


def fusionar(
    session: Session, *, numero_caso: str, data: FusionarIn, actor: str, politicas: Politicas
) -> FusionResponse:
    if data.en == numero_caso:
        raise ValidationFailed.field(["body", "en"], "un caso no puede fusionarse consigo mismo")
    casos = _bloquear(session, [numero_caso, data.en])
    origen = casos.get(numero_caso)
    if origen is None:
        raise NotFound(f"No existe el caso {numero_caso}.")
    destino = casos.get(data.en)
    if destino is None:
        raise ValidationFailed.field(["body", "en"], f"no existe el caso {data.en}")
    if origen.fusionado_en:
        raise Conflict(f"El caso {numero_caso} ya fue fusionado en {origen.fusionado_en}.")
    if origen.estado == Estado.cerrado.value:
        raise Conflict(f"El caso {numero_caso} está cerrado; no se puede fusionar.")
    if destino.estado == Estado.cerrado.value:
        raise Conflict(f"El caso {data.en} está cerrado; elegí un caso abierto.")
    agregados, copias = _copiar(session, origen=origen, destino=destino)
    ahora = utcnow()
    anterior = origen.estado
    antes = {"estado": origen.estado, "fusionado_en": None, "resolucion": origen.resolucion}
    origen.estado = Estado.cerrado.value
    origen.cerrado_at = ahora
    origen.fusionado_en = destino.numero_caso
    origen.resolucion = origen.resolucion or f"Fusionado en {destino.numero_caso}."
    origen.updated_at = destino.updated_at = ahora
    relojes.resuelto(origen, at=ahora)
    if destino.posible_duplicado_de == origen.numero_caso:
        destino.posible_duplicado_de = None
    despues = {
        "estado": origen.estado,
        "fusionado_en": destino.numero_caso,
        "resolucion": origen.resolucion,
    }
    historial.registrar(
        session,
        caso=origen,
        accion="fusionado",
        actor=actor,
        cambios=historial.diff(antes, despues),
        motivo=data.motivo,
    )
    historial.registrar(
        session,
        caso=destino,
        accion="fusion_recibida",
        actor=actor,
        cambios={
            "caso_fusionado": {"antes": None, "despues": origen.numero_caso},
            "productos_agregados": {"antes": None, "despues": agregados},
            "adjuntos_agregados": {"antes": 0, "despues": copias},
        },
        motivo=data.motivo,
    )
    if origen.evento is not None and origen.evento_adverso:
        datos = DatosEventoAdverso.model_validate(origen.evento, from_attributes=True)
        farmacovigilancia.marcar(
            session, caso=destino, origen="fusion", datos=datos, politicas=politicas
        )
    session.flush()
    senales.evaluar_caso(session, caso=destino, politicas=politicas)  # it may have new lots
    emitir(
        session,
        evento=Evento.caso_fusionado,
        clave=origen.numero_caso,
        data={"numero_caso": origen.numero_caso, "fusionado_en": destino.numero_caso},
    )
    emitir_cambio_de_estado(session, caso=origen, anterior=anterior)
    return FusionResponse(
        numero_caso=origen.numero_caso,
        estado=Estado.cerrado,
        fusionado_en=destino.numero_caso,
        productos_agregados=agregados,
        adjuntos_agregados=copias,
    )
