"""Case detail: everything about one case, and the forms to classify, move and investigate it."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from vetanco.casos import adjuntos, clasificacion, presenters, service
from vetanco.casos.enums import TRANSICIONES, Criticidad, Estado, Justificacion, TipoCaso
from vetanco.casos.routes import NumeroCaso
from vetanco.casos.schemas import CasoClasificar, CasoEstadoUpdate
from vetanco.colaboradores import service as colaboradores
from vetanco.db import SessionDep
from vetanco.errors import Conflict, ValidationFailed, validation_details
from vetanco.investigaciones import service as investigaciones
from vetanco.investigaciones.schemas import (
    EstadoInvestigacion,
    InvestigacionCreate,
    InvestigacionUpdate,
)
from vetanco.reten import service as reten
from vetanco.web.deps import (
    Clasificador,
    Gestor,
    Investigador,
    Lector,
    UsuarioWeb,
    render,
)
from vetanco.web.etiquetas import etiqueta
from vetanco.whatsapp import repository as transcript

router = APIRouter()

AVISO = "aviso_caso"
HISTORIAL_VISIBLE = 50
CLASES = (TipoCaso.reclamo, TipoCaso.queja, TipoCaso.comentario)


@dataclass(frozen=True, slots=True)
class Forma:
    """A form of the page: the API schema it fills, the fields it shows and where it lives."""

    schema: type[BaseModel]
    campos: tuple[str, ...]
    fragmento: str
    aviso: str


FORMULARIOS: dict[str, Forma] = {
    "clasificar": Forma(
        CasoClasificar,
        ("tipo_caso", "criticidad", "justificacion", "motivo", "evidencias", "clasificado_por"),
        "caso/_clasificar.html",
        "Clasificación guardada.",
    ),
    "estado": Forma(
        CasoEstadoUpdate,
        ("estado", "resolucion", "acciones_correctivas", "acciones_preventivas", "motivo"),
        "caso/_estado.html",
        "Estado actualizado.",
    ),
    "investigacion_iniciar": Forma(
        InvestigacionCreate,
        ("investigador_id",),
        "caso/_investigacion.html",
        "Investigación iniciada.",
    ),
    "investigacion_actualizar": Forma(
        InvestigacionUpdate,
        investigaciones.CAMPOS,
        "caso/_investigacion.html",
        "Investigación actualizada.",
    ),
    "investigacion_completar": Forma(
        InvestigacionUpdate,
        ("causa_raiz", "estado"),
        "caso/_investigacion.html",
        "Investigación completada.",
    ),
}
MENSAJES_PYDANTIC = {
    "missing": "Campo obligatorio.",
    "enum": "Elegí una de las opciones.",
    "literal_error": "Elegí una de las opciones.",
    "uuid_parsing": "Elegí una de las opciones.",
    "uuid_type": "Elegí una de las opciones.",
    "extra_forbidden": "Campo desconocido.",
}


@dataclass(slots=True)
class EstadoFormulario:
    """What a person sent and what the server said about each field, to show it back."""

    valores: dict[str, str] = field(default_factory=dict)
    errores: dict[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)
    enviado: bool = False

    def valor(self, campo: str, actual: object = None) -> str:
        """After a failed submit, what was typed; otherwise the case's current value."""
        if self.enviado:
            return self.valores.get(campo, "")
        return "" if actual is None else str(getattr(actual, "value", actual))

    def error(self, campo: str) -> str | None:
        return self.errores.get(campo)


async def _leer_formulario(request: Request) -> dict[str, str]:
    """The posted form as text fields (already parsed by the CSRF check, so read from cache)."""
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


Formulario = Annotated[dict[str, str], Depends(_leer_formulario)]


def _mensaje(detalle: Mapping[str, Any]) -> str:
    texto = MENSAJES_PYDANTIC.get(str(detalle.get("type")), str(detalle.get("msg", "")))
    texto = texto.removeprefix("Value error, ")
    return texto[:1].upper() + texto[1:]


def _con_errores(
    nombre: str, valores: dict[str, str], detalles: Sequence[Mapping[str, Any]], general: str
) -> EstadoFormulario:
    """Each message next to its field; those about no visible field go above the form."""
    campos = FORMULARIOS[nombre].campos
    estado = EstadoFormulario(valores=valores, enviado=True)
    otros: list[str] = []
    for d in detalles:
        loc = [p for p in d.get("loc", []) if p != "body"]
        campo = loc[0] if loc and isinstance(loc[0], str) else None
        if campo in campos:
            estado.errores.setdefault(campo, _mensaje(d))
        else:
            otros.append(f"{'.'.join(map(str, loc))}: {_mensaje(d)}" if loc else _mensaje(d))
    if otros or not detalles:
        estado.general = [general, *otros]
    return estado


def _valores(form: Mapping[str, str], nombre: str) -> dict[str, str]:
    """Only this form's fields; an empty box means "not given", like a key left out of the JSON."""
    return {c: v for c in FORMULARIOS[nombre].campos if (v := form.get(c, "").strip())}


def _mostrar(valor: Any) -> str:
    """A history value as a person reads it."""
    if valor is None or valor == "":
        return "—"
    if isinstance(valor, list):
        return ", ".join(_mostrar(v) for v in valor) or "—"
    if isinstance(valor, bool):
        return "Sí" if valor else "No"
    if isinstance(valor, str) and valor.replace("_", "").isalpha() and valor.islower():
        return etiqueta(valor)
    return str(valor)


def _opciones(enum: type[Any], *, incluir: Collection[Any] | None = None) -> list[tuple[str, str]]:
    return [(e.value, etiqueta(e.value)) for e in enum if incluir is None or e in incluir]


def _contexto(
    request: Request,
    session: Session,
    *,
    numero: str,
    usuario: UsuarioWeb,
    formularios: Mapping[str, EstadoFormulario] | None = None,
) -> dict[str, Any]:
    caso, entradas = service.historial_de(session, numero_caso=numero)
    detalle = presenters.detalle(caso, request.app.state.politicas)
    mensajes = transcript.mensajes(session, caso_id=caso.id)  # the service would re-load the case
    tareas = reten.tareas_de_caso(session, numero_caso=numero).data
    edita = usuario.puede("clasificar") or usuario.puede("investigar")
    equipo = colaboradores.listar_colaboradores(session) if edita else []
    historial = [presenters.historial_entry(e) for e in reversed(entradas)]
    todo = request.query_params.get("historial") == "todo"
    estados = formularios or {}
    return {
        "caso": detalle,
        "resumen": presenters.list_item(caso),
        "mensajes": mensajes,
        "tareas": tareas,
        "historial": historial if todo else historial[:HISTORIAL_VISIBLE],
        "historial_total": len(historial),
        "colaboradores": [(str(c.id), f"{c.nombre} · {c.cargo}") for c in equipo],
        "requiere_motivo": usuario.puede("clasificar")
        and clasificacion.decidida_por_persona(session, caso=caso),
        "transiciones": _opciones(Estado, incluir=TRANSICIONES[Estado(caso.estado)]),
        "opciones": {
            "tipo_caso": _opciones(TipoCaso, incluir=CLASES),
            "criticidad": _opciones(Criticidad),
            "justificacion": _opciones(Justificacion),
        },
        "form": lambda nombre: estados.get(nombre) or EstadoFormulario(),
        "mostrar": _mostrar,
        "aviso": request.session.pop(AVISO, None) if request.method == "GET" else None,
    }


@router.get("/casos/{numero_caso}")
def detalle(
    numero_caso: NumeroCaso, request: Request, session: SessionDep, usuario: Lector
) -> Response:
    contexto = _contexto(request, session, numero=numero_caso, usuario=usuario)
    return render(request, "caso/detalle.html", contexto, usuario=usuario)


@router.get("/casos/{numero_caso}/adjuntos/{adjunto_id}")
def adjunto(
    numero_caso: NumeroCaso,
    adjunto_id: uuid.UUID,
    request: Request,
    session: SessionDep,
    _usuario: Lector,
) -> Response:
    """The same stored file the API serves, for a browser that has a session instead of a key."""
    found = adjuntos.archivo(
        session,
        numero_caso=numero_caso,
        adjunto_id=adjunto_id,
        storage_dir=request.app.state.settings.storage_dir,
    )
    headers = {
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
    }
    return FileResponse(
        found.path, media_type=found.mime_type, filename=found.nombre, headers=headers
    )


@dataclass(frozen=True, slots=True)
class Envio:
    """One form posted about one case."""

    request: Request
    session: Session
    numero: str
    form: Mapping[str, str]

    def procesar(
        self,
        nombre: str,
        usuario: UsuarioWeb,
        accion: Callable[[Any], object],
        fijos: Mapping[str, str] | None = None,
    ) -> Response:
        """Same schema and service as the API; on refusal nothing is kept and the form comes back."""
        forma = FORMULARIOS[nombre]
        valores = _valores(self.form, nombre)
        try:
            accion(forma.schema.model_validate({**valores, **(fijos or {})}))
        except ValidationError as exc:
            detalles = validation_details(exc.errors())
            estado = _con_errores(nombre, valores, detalles, ValidationFailed.message)
            return self._rechazo(nombre, usuario, estado, 400)
        except ValidationFailed as exc:
            estado = _con_errores(nombre, valores, exc.details, exc.message)
            return self._rechazo(nombre, usuario, estado, 400)
        except Conflict as exc:
            campo = "estado" if exc.code == service.TransicionInvalida.code else None
            detalles = [{"loc": [campo], "msg": exc.message}] if campo else []
            estado = _con_errores(nombre, valores, detalles, exc.message)
            return self._rechazo(nombre, usuario, estado, 409)
        self.request.session[AVISO] = forma.aviso
        destino = f"/casos/{self.numero}"
        if self.request.headers.get("hx-request"):
            return Response(status_code=204, headers={"HX-Redirect": destino})
        return RedirectResponse(destino, status_code=303)

    def _rechazo(
        self, nombre: str, usuario: UsuarioWeb, estado: EstadoFormulario, status: int
    ) -> Response:
        """Rolls back what the service flushed before refusing, then shows the form with its errors."""
        self.session.rollback()
        contexto = _contexto(
            self.request,
            self.session,
            numero=self.numero,
            usuario=usuario,
            formularios={nombre: estado},
        )
        parcial = self.request.headers.get("hx-request")
        plantilla = FORMULARIOS[nombre].fragmento if parcial else "caso/detalle.html"
        return render(self.request, plantilla, contexto, usuario=usuario, status_code=status)


def _envio(
    numero_caso: NumeroCaso, request: Request, session: SessionDep, form: Formulario
) -> Envio:
    return Envio(request=request, session=session, numero=numero_caso, form=form)


EnvioDep = Annotated[Envio, Depends(_envio)]


@router.post("/casos/{numero_caso}/clasificar")
def clasificar(envio: EnvioDep, usuario: Clasificador) -> Response:
    def accion(data: CasoClasificar) -> object:
        politicas = envio.request.app.state.politicas
        return service.clasificar(
            envio.session,
            numero_caso=envio.numero,
            data=data,
            actor=usuario.actor,
            politicas=politicas,
        )

    return envio.procesar("clasificar", usuario, accion)


@router.post("/casos/{numero_caso}/estado")
def cambiar_estado(envio: EnvioDep, usuario: Gestor) -> Response:
    def accion(data: CasoEstadoUpdate) -> object:
        return service.cambiar_estado(
            envio.session, numero_caso=envio.numero, data=data, actor=usuario.actor
        )

    return envio.procesar("estado", usuario, accion)


@router.post("/casos/{numero_caso}/investigacion")
def iniciar_investigacion(envio: EnvioDep, usuario: Investigador) -> Response:
    def accion(data: InvestigacionCreate) -> object:
        return investigaciones.iniciar(
            envio.session, numero_caso=envio.numero, data=data, actor=usuario.actor
        )

    return envio.procesar("investigacion_iniciar", usuario, accion)


def _actualizar(envio: Envio, usuario: UsuarioWeb) -> Callable[[InvestigacionUpdate], object]:
    """The API updates an investigation by its id; the page knows the case, which has one."""

    def accion(data: InvestigacionUpdate) -> object:
        inv = service.obtener(envio.session, numero_caso=envio.numero).investigacion
        if inv is None:
            raise Conflict(
                f"El caso {envio.numero} todavía no tiene investigación; iniciala primero."
            )
        return investigaciones.actualizar(
            envio.session, investigacion_id=inv.id, data=data, actor=usuario.actor
        )

    return accion


@router.post("/casos/{numero_caso}/investigacion/actualizar")
def actualizar_investigacion(envio: EnvioDep, usuario: Investigador) -> Response:
    return envio.procesar("investigacion_actualizar", usuario, _actualizar(envio, usuario))


@router.post("/casos/{numero_caso}/investigacion/completar")
def completar_investigacion(envio: EnvioDep, usuario: Investigador) -> Response:
    completada = {"estado": EstadoInvestigacion.completada.value}
    return envio.procesar(
        "investigacion_completar", usuario, _actualizar(envio, usuario), fijos=completada
    )
