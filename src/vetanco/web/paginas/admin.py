"""Admin pages: the form plumbing they share, API keys and the Reten connector's health."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from vetanco.auth import service as claves
from vetanco.auth.roles import Role
from vetanco.auth.schemas import ApiKeyCreate, ApiKeyRead
from vetanco.config import Settings
from vetanco.db import SessionDep
from vetanco.errors import Conflict, ValidationFailed
from vetanco.reten import service as reten
from vetanco.web.deps import Administrador, UsuarioWeb, render

router = APIRouter(prefix="/admin")

AVISO = "aviso_admin"
SIN_CACHE = {"Cache-Control": "no-store"}
NombreClave = Annotated[str, Path(max_length=100)]
TEXTOS_CLAVES = {
    "name:string_pattern_mismatch": "Usá sólo letras, números, punto, guion y guion bajo, sin espacios.",
}


@dataclass(slots=True)
class EstadoFormulario:
    """What a person sent and what the server said about each field, to show it back."""

    valores: dict[str, str | list[str]] = field(default_factory=dict)
    errores: dict[str, str] = field(default_factory=dict)
    general: list[str] = field(default_factory=list)

    def valor(self, campo: str) -> str:
        valor = self.valores.get(campo, "")
        return valor if isinstance(valor, str) else ""

    def lista(self, campo: str) -> list[str]:
        valor = self.valores.get(campo, [])
        return valor if isinstance(valor, list) else [valor]

    def error(self, campo: str) -> str | None:
        return self.errores.get(campo)


async def _leer_formulario(request: Request) -> FormData:
    """The posted form (already parsed by the CSRF check, so read from the request's cache)."""
    return await request.form()


Formulario = Annotated[FormData, Depends(_leer_formulario)]


def texto(form: FormData, campo: str) -> str:
    valor = form.get(campo)
    return valor.strip() if isinstance(valor, str) else ""


def _mensaje(detalle: Mapping[str, Any], campo: str | None, textos: Mapping[str, str]) -> str:
    """Pydantic's English in Spanish, with the limits the schema declares."""
    tipo, ctx = str(detalle.get("type")), detalle.get("ctx") or {}
    if f"{campo}:{tipo}" in textos:
        return textos[f"{campo}:{tipo}"]
    if tipo == "missing" or (tipo == "string_too_short" and not detalle.get("input")):
        return "Campo obligatorio."
    if tipo == "string_too_short":
        return f"Tiene que tener al menos {ctx.get('min_length')} caracteres."
    if tipo == "string_too_long":
        return f"Admite hasta {ctx.get('max_length')} caracteres."
    if tipo == "too_short":
        return "Elegí al menos una opción."
    if tipo == "too_long":
        return f"Elegí como máximo {ctx.get('max_length')}."
    if tipo in ("enum", "literal_error"):
        return "Elegí una de las opciones."
    if tipo == "extra_forbidden":
        return "Campo desconocido."
    texto_ = str(detalle.get("msg", "")).removeprefix("Value error, ").strip()
    texto_ = texto_[:1].upper() + texto_[1:]
    return texto_ if texto_.endswith(".") else f"{texto_}."


def con_errores(
    valores: dict[str, str | list[str]],
    detalles: Sequence[Mapping[str, Any]],
    *,
    general: str,
    textos: Mapping[str, str] | None = None,
) -> EstadoFormulario:
    """Each message next to its field; those about no field of the form go above it."""
    estado = EstadoFormulario(valores=valores)
    for d in detalles:
        loc = [p for p in d.get("loc", []) if p != "body"]
        campo = loc[0] if loc and isinstance(loc[0], str) else None
        mensaje = _mensaje(d, campo, textos or {})
        if campo in valores:
            estado.errores.setdefault(campo, mensaje)
        else:
            estado.general.append(mensaje)
    if estado.general or not detalles:
        estado.general.insert(0, general)
    return estado


def errores_de(
    exc: ValidationError | ValidationFailed,
    valores: dict[str, str | list[str]],
    textos: Mapping[str, str] | None = None,
) -> EstadoFormulario:
    """The schema's or the service's refusal, field by field."""
    detalles = exc.errors() if isinstance(exc, ValidationError) else exc.details
    return con_errores(valores, detalles, general=ValidationFailed.message, textos=textos)


def avisar(request: Request, aviso: str, destino: str) -> Response:
    """After a change, back to the list with a one-time notice (post/redirect/get)."""
    request.session[AVISO] = aviso
    return RedirectResponse(destino, status_code=303)


def aviso_de(request: Request) -> str | None:
    return request.session.pop(AVISO, None) if request.method == "GET" else None


# --- API keys ---------------------------------------------------------------------------------


def _pagina_claves(
    request: Request,
    session: Session,
    usuario: UsuarioWeb,
    *,
    form: EstadoFormulario | None = None,
    creada: Mapping[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    contexto = {
        "claves": [ApiKeyRead.model_validate(k) for k in claves.list_keys(session)],
        "roles": [r.value for r in Role],
        "form": form or EstadoFormulario(valores={"role": Role.lectura.value}),
        "creada": creada,
        "aviso": aviso_de(request),
    }
    headers = SIN_CACHE if creada else None
    return render(
        request,
        "admin/claves.html",
        contexto,
        usuario=usuario,
        status_code=status_code,
        headers=headers,
    )


@router.get("/claves")
def lista_claves(request: Request, session: SessionDep, usuario: Administrador) -> Response:
    return _pagina_claves(request, session, usuario)


@router.post("/claves")
def crear_clave(
    request: Request, session: SessionDep, usuario: Administrador, form: Formulario
) -> Response:
    """The API's schema and service; the clear key is on this response and nowhere else."""
    valores: dict[str, str | list[str]] = {"name": texto(form, "name"), "role": texto(form, "role")}
    try:
        data = ApiKeyCreate.model_validate(valores)
        clave, raw = claves.create_key(session, name=data.name, role=data.role)
    except ValidationError as exc:
        estado = errores_de(exc, valores, TEXTOS_CLAVES)
        return _pagina_claves(request, session, usuario, form=estado, status_code=400)
    except Conflict as exc:
        session.rollback()
        estado = con_errores(valores, [{"loc": ["name"], "msg": exc.message}], general=exc.message)
        return _pagina_claves(request, session, usuario, form=estado, status_code=409)
    creada = {**ApiKeyRead.model_validate(clave).model_dump(), "key": raw}
    return _pagina_claves(request, session, usuario, creada=creada, status_code=201)


@router.get("/claves/{name}/revocar")
def confirmar_revocacion(
    name: NombreClave, request: Request, session: SessionDep, usuario: Administrador
) -> Response:
    clave = ApiKeyRead.model_validate(claves.get_key(session, name=name))
    return render(request, "admin/clave_revocar.html", {"clave": clave}, usuario=usuario)


@router.post("/claves/{name}/revocar")
def revocar_clave(
    name: NombreClave, request: Request, session: SessionDep, _usuario: Administrador
) -> Response:
    claves.revoke_key(session, name=name)
    return avisar(request, f"La API key «{name}» quedó revocada.", "/admin/claves")


# --- Reten ------------------------------------------------------------------------------------


@router.get("/reten")
def salud_reten(request: Request, session: SessionDep, usuario: Administrador) -> Response:
    """The connector's status exactly as GET /api/reten/estado reports it."""
    settings: Settings = request.app.state.settings
    estado = reten.estado_conector(session, settings=settings)
    contexto = {"estado": estado, "configurado": settings.reten_enabled}
    return render(request, "admin/reten.html", contexto, usuario=usuario)
