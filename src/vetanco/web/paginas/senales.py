"""Señales: the lot signals Calidad watches, their detail and the form to decide on them."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import Field, ValidationError
from sqlalchemy.orm import Session

from vetanco.db import SessionDep
from vetanco.errors import NotFound, ValidationFailed, validation_details
from vetanco.senales import service
from vetanco.senales.enums import TRANSICIONES, EstadoSenal
from vetanco.senales.repository import SenalFilters
from vetanco.senales.schemas import SenalUpdate
from vetanco.web.deps import Investigador, Lector, UsuarioWeb, render
from vetanco.web.etiquetas import etiqueta
from vetanco.web.formularios import FiltrosGet, query_con
from vetanco.web.paginas.caso import EstadoFormulario, Formulario

router = APIRouter()

POR_PAGINA = 25
AVISO = "aviso_senal"
CAMPOS = ("estado", "motivo")
MENSAJES = {
    "missing": "Campo obligatorio.",
    "enum": "Elegí una de las opciones.",
    "string_too_short": "Campo obligatorio.",
    "string_too_long": "Es demasiado largo (máximo 5000 caracteres).",
}


class FiltrosSenales(FiltrosGet):
    """The API's list filters; an empty form field means "any"."""

    estado: EstadoSenal | None = None
    producto: str | None = Field(default=None, max_length=200)
    lote: str | None = Field(default=None, max_length=50)
    page: int = Field(default=1, ge=1, le=100_000)


def _filtros(params: Annotated[FiltrosSenales, Query()]) -> FiltrosSenales:
    return params


@router.get("/senales")
def lista(
    request: Request,
    session: SessionDep,
    usuario: Lector,
    filtros: Annotated[FiltrosSenales, Depends(_filtros)],
) -> Response:
    estado = filtros.estado.value if filtros.estado else None
    filters = SenalFilters(estado=estado, producto=filtros.producto, lote=filtros.lote)
    resultado = service.listar(session, filters=filters, page=filtros.page, limit=POR_PAGINA)
    contexto = {
        "senales": resultado.data,
        "paginacion": resultado.pagination,
        "filtros": request.query_params,
        "estados": list(EstadoSenal),
        "query": lambda **cambios: query_con(request, **cambios),
    }
    parcial = request.headers.get("hx-target") == "resultados"
    plantilla = "senales/_resultados.html" if parcial else "senales/lista.html"
    return render(request, plantilla, contexto, usuario=usuario)


def _senal_id(senal_id: str) -> uuid.UUID:
    """A mistyped address is a missing page, not a validation error."""
    try:
        return uuid.UUID(senal_id)
    except ValueError:
        raise NotFound(f"No existe la señal {senal_id}.") from None


SenalId = Annotated[uuid.UUID, Depends(_senal_id)]


def _contexto(
    request: Request,
    session: Session,
    *,
    senal_id: uuid.UUID,
    form: EstadoFormulario | None = None,
) -> dict[str, Any]:
    senal = service.detalle(session, senal_id=senal_id, politicas=request.app.state.politicas)
    permitidas = TRANSICIONES[senal.estado]
    return {
        "senal": senal,
        "historial": list(reversed(senal.historial)),
        "transiciones": [(e.value, etiqueta(e.value)) for e in EstadoSenal if e in permitidas],
        "f": form or EstadoFormulario(),
        "aviso": request.session.pop(AVISO, None) if request.method == "GET" else None,
    }


@router.get("/senales/{senal_id}")
def detalle(senal_id: SenalId, request: Request, session: SessionDep, usuario: Lector) -> Response:
    contexto = _contexto(request, session, senal_id=senal_id)
    return render(request, "senales/detalle.html", contexto, usuario=usuario)


def _mensaje(detalle: Mapping[str, Any]) -> str:
    texto = MENSAJES.get(str(detalle.get("type")), str(detalle.get("msg", "")))
    return texto.removeprefix("Value error, ")


def _con_errores(
    valores: dict[str, str], detalles: list[dict[str, Any]], general: str
) -> EstadoFormulario:
    """Each message next to its field; the rest above the form."""
    estado = EstadoFormulario(valores=valores, enviado=True)
    otros = []
    for d in detalles:
        loc = [p for p in d.get("loc", []) if p != "body"]
        campo = loc[0] if loc and isinstance(loc[0], str) else None
        if campo in CAMPOS:
            estado.errores.setdefault(campo, _mensaje(d))
        else:
            otros.append(_mensaje(d))
    if otros or not detalles:
        estado.general = [general, *otros]
    return estado


@router.post("/senales/{senal_id}/estado")
def cambiar_estado(
    senal_id: SenalId,
    request: Request,
    session: SessionDep,
    usuario: Investigador,
    form: Formulario,
) -> Response:
    valores = {c: v for c in CAMPOS if (v := form.get(c, "").strip())}
    try:
        data = SenalUpdate.model_validate(valores)
        service.cambiar_estado(session, senal_id=senal_id, data=data, actor=usuario.actor)
    except ValidationError as exc:
        estado = _con_errores(valores, validation_details(exc.errors()), ValidationFailed.message)
        return _rechazo(request, session, senal_id, usuario, estado, 400)
    except service.TransicionInvalida as exc:
        estado = _con_errores(valores, [{"loc": ["estado"], "msg": exc.message}], exc.message)
        return _rechazo(request, session, senal_id, usuario, estado, 409)
    request.session[AVISO] = "Estado de la señal actualizado."
    destino = f"/senales/{senal_id}"
    if request.headers.get("hx-request"):
        return Response(status_code=204, headers={"HX-Redirect": destino})
    return RedirectResponse(destino, status_code=303)


def _rechazo(
    request: Request,
    session: Session,
    senal_id: uuid.UUID,
    usuario: UsuarioWeb,
    estado: EstadoFormulario,
    status: int,
) -> Response:
    """Nothing the service flushed is kept; the form comes back with its errors."""
    session.rollback()
    contexto = _contexto(request, session, senal_id=senal_id, form=estado)
    parcial = request.headers.get("hx-request")
    plantilla = "senales/_decision.html" if parcial else "senales/detalle.html"
    return render(request, plantilla, contexto, usuario=usuario, status_code=status)
