"""ORM case -> the spec's JSON shapes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from vetanco.casos.models import Adjunto, Caso, Clasificacion, HistorialCaso, ProductoAfectado
from vetanco.casos.repository import Fila, FilasListado
from vetanco.casos.schemas import (
    AdjuntoRead,
    CasoClasificado,
    CasoListItem,
    CasoRead,
    ClasificacionRegistrada,
    ClasificacionResponse,
    ClienteDetalle,
    ClienteResumen,
    ColaboradorResumen,
    DescripcionRead,
    HistorialEntry,
    InvestigacionResumen,
    ProductoRead,
    ProductoResumen,
    TareaRetenResumen,
)
from vetanco.db import utcnow
from vetanco.farmacovigilancia.presenters import evento_adverso
from vetanco.investigaciones.models import Investigacion
from vetanco.politicas import Politicas
from vetanco.sla import presenters as relojes
from vetanco.sla import service as sla
from vetanco.triage.service import lectura as sugerencia


def _cabecera(caso: Caso | Fila) -> dict[str, object]:
    """Fields the list item and the detail share."""
    return {
        "id": caso.id,
        "numero_caso": caso.numero_caso,
        "tipo_caso": caso.tipo_caso,
        "criticidad": caso.criticidad,
        "justificacion": caso.justificacion,
        "estado": caso.estado,
        "canal": caso.canal,
        "created_at": caso.created_at,
        "updated_at": caso.updated_at,
    }


def list_item(caso: Caso) -> CasoListItem:
    c = caso.cliente
    return _item(
        caso,
        cliente=ClienteResumen(nombre=c.nombre_apellido, razon_social=c.razon_social, cuit=c.cuit),
        primero=caso.productos[0] if caso.productos else None,
        sla=_peor_sla(caso),
    )


def list_items(filas: FilasListado) -> list[CasoListItem]:
    """The same items as list_item, from the rows the list reads instead of entities."""
    ahora = utcnow()
    return [
        _item(
            f,
            cliente=ClienteResumen(
                nombre=f.cliente_nombre, razon_social=f.cliente_razon_social, cuit=f.cliente_cuit
            ),
            primero=filas.primer_producto.get(f.id),
            sla=_peor(filas.relojes.get(f.id, ()), ahora),
        )
        for f in filas.casos
    ]


def _item(
    caso: Caso | Fila,
    *,
    cliente: ClienteResumen,
    primero: ProductoAfectado | Fila | None,
    sla: str | None,
) -> CasoListItem:
    """A list item from a case entity or a list row: both name their columns alike."""
    return CasoListItem.model_validate(
        {
            **_cabecera(caso),
            "cliente": cliente,
            "producto": ProductoResumen(nombre=primero.nombre_producto, lote=primero.numero_lote)
            if primero
            else None,
            "descripcion_que_sucedio": caso.que_sucedio,
            "evento_adverso": caso.evento_adverso,
            "sla": sla,
            "posible_duplicado_de": caso.posible_duplicado_de,
        }
    )


def _peor_sla(caso: Caso) -> str | None:
    return _peor([r for r in caso.relojes if r.tipo in sla.SLA], utcnow())


def _peor(plazos: Iterable[sla.Plazo], ahora: datetime) -> str | None:
    estados = {sla.estado(r, ahora=ahora).value for r in plazos}
    for estado in ("vencido", "cumplido_tarde", "en_riesgo", "pausado", "en_curso", "cumplido"):
        if estado in estados:
            return estado
    return None


def investigacion_resumen(inv: Investigacion | None) -> InvestigacionResumen | None:
    if inv is None:
        return None
    return InvestigacionResumen(
        id=inv.id,
        estado=inv.estado,
        investigador=inv.investigador.nombre,
        investigador_id=inv.investigador_id,
        fecha_inicio=inv.fecha_inicio,
        fecha_fin=inv.fecha_fin,
        hallazgos=inv.hallazgos,
        evidencia_recolectada=inv.evidencia_recolectada,
        analisis_laboratorio=inv.analisis_laboratorio,
        causa_raiz=inv.causa_raiz,
        acciones_correctivas=inv.acciones_correctivas,
        acciones_preventivas=inv.acciones_preventivas,
    )


def detalle(caso: Caso, politicas: Politicas) -> CasoRead:
    c = caso.cliente
    ahora = utcnow()
    colab = caso.colaborador
    return CasoRead.model_validate(
        {
            **_cabecera(caso),
            "tipo_usuario_registro": caso.tipo_usuario_registro,
            "cliente": ClienteDetalle(
                id=c.id,
                nombre_apellido=c.nombre_apellido,
                razon_social=c.razon_social,
                cuit=c.cuit,
                telefono=c.telefono,
                email=c.email,
                direccion=c.direccion,
            ),
            "colaborador_registro": ColaboradorResumen(
                id=colab.id, nombre=colab.nombre, cargo=colab.cargo
            )
            if colab
            else None,
            "productos_afectados": [
                ProductoRead.model_validate(p, from_attributes=True) for p in caso.productos
            ],
            "descripcion": DescripcionRead(
                que_sucedio=caso.que_sucedio,
                donde_ocurrio=caso.donde_ocurrio,
                cuando_ocurrio=caso.cuando_ocurrio,
                descripcion_libre=caso.descripcion_libre,
            ),
            "numero_remito": caso.numero_remito,
            "adjuntos": [_adjunto(caso, a) for a in caso.adjuntos],
            "investigacion": investigacion_resumen(caso.investigacion),
            "tareas_reten": [
                TareaRetenResumen.model_validate(t, from_attributes=True)
                for t in getattr(caso, "tareas_reten", [])
                if t.vanished_at is None
            ],
            "resolucion": caso.resolucion,
            "acciones_correctivas": caso.acciones_correctivas,
            "acciones_preventivas": caso.acciones_preventivas,
            "clasificado_at": caso.clasificado_at,
            "en_investigacion_at": caso.en_investigacion_at,
            "resuelto_at": caso.resuelto_at,
            "cerrado_at": caso.cerrado_at,
            "primera_respuesta_at": caso.primera_respuesta_at,
            "triage": sugerencia(caso.sugerencia),
            "evento_adverso": evento_adverso(caso, ahora=ahora),
            "sla": relojes.sla(caso, politicas, ahora=ahora),
            "posible_duplicado_de": caso.posible_duplicado_de,
            "fusionado_en": caso.fusionado_en,
        }
    )


def _adjunto(caso: Caso, a: Adjunto) -> AdjuntoRead:
    """Stored files are served by the API; external ones keep the URL they were given."""
    url = f"/api/casos/{caso.numero_caso}/adjuntos/{a.id}" if a.estado == "descargado" else a.url
    return AdjuntoRead(
        id=a.id,
        tipo=a.tipo,
        url=url,
        nombre=a.nombre,
        estado=a.estado,
        mime_type=a.mime_type,
        sha256=a.sha256,
    )


def clasificacion(caso: Caso, registro: Clasificacion) -> ClasificacionResponse:
    return ClasificacionResponse(
        caso=CasoClasificado.model_validate(
            {
                "numero_caso": caso.numero_caso,
                "tipo_caso": caso.tipo_caso,
                "criticidad": caso.criticidad,
                "justificacion": caso.justificacion,
                "updated_at": caso.updated_at,
            }
        ),
        clasificacion_registrada=ClasificacionRegistrada(
            id=registro.id, created_at=registro.created_at
        ),
    )


def historial_entry(entry: HistorialCaso) -> HistorialEntry:
    return HistorialEntry.model_validate(entry, from_attributes=True)
