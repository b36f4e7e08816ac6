"""Dashboard plumbing: who is logged in, CSRF on every form, templates and error pages."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from vetanco.auth.roles import Permission, allows
from vetanco.auth.schemas import Principal
from vetanco.db import SessionDep
from vetanco.errors import Forbidden, VetancoError
from vetanco.usuarios import service as usuarios
from vetanco.web import etiquetas
from vetanco.web.navegacion import menu

HERE = Path(__file__).parent
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

templates = Jinja2Templates(directory=HERE / "templates")
templates.env.filters["etiqueta"] = etiquetas.etiqueta
templates.env.filters["fecha"] = etiquetas.fecha
templates.env.globals["menu"] = menu


class LoginRequerido(VetancoError):
    status_code = 401
    code = "login_requerido"
    message = "Ingresá para continuar."


class CsrfInvalido(Forbidden):
    code = "csrf"
    message = "El formulario venció o no es válido. Recargá la página y probá de nuevo."


@dataclass(frozen=True, slots=True)
class UsuarioWeb:
    """The logged-in person: the same Principal the API uses, plus what the layout shows."""

    principal: Principal
    nombre: str

    @property
    def rol(self) -> str:
        return self.principal.role

    @property
    def actor(self) -> str:
        return self.principal.actor

    def puede(self, permiso: str) -> bool:
        return allows(self.principal.role, Permission(permiso))


def marcar_web(request: Request) -> None:
    """Errors on these routes render as pages, not JSON."""
    request.state.web = True


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


async def verificar_csrf(request: Request) -> None:
    """Synchronizer token: the session's secret must come back in the form or the HTMX header."""
    if request.method in SAFE_METHODS:
        return
    enviado = request.headers.get("x-csrf-token")
    if not enviado and "form" in request.headers.get("content-type", ""):
        valor = (await request.form()).get("csrf_token")
        enviado = valor if isinstance(valor, str) else None
    esperado = request.session.get("csrf")
    if not esperado or not enviado or not secrets.compare_digest(str(esperado), enviado):
        raise CsrfInvalido()


def usuario_web(request: Request, session: SessionDep) -> UsuarioWeb:
    datos = request.session.get("usuario")
    if not isinstance(datos, dict):
        raise LoginRequerido()
    try:
        usuario_id = uuid.UUID(str(datos.get("id")))
        version = int(datos.get("v", 0))
    except (ValueError, TypeError):
        request.session.pop("usuario", None)
        raise LoginRequerido() from None
    usuario = usuarios.vigente(session, usuario_id=usuario_id, version=version)
    if usuario is None:
        request.session.pop("usuario", None)
        raise LoginRequerido()
    web = UsuarioWeb(principal=usuarios.principal(usuario), nombre=usuario.nombre)
    request.state.actor = web.actor
    return web


WebUser = Annotated[UsuarioWeb, Depends(usuario_web)]


def requiere(permiso: Permission) -> Callable[[UsuarioWeb], UsuarioWeb]:
    def checker(usuario: WebUser) -> UsuarioWeb:
        if not usuario.puede(permiso.value):
            raise Forbidden(f"Tu rol ({usuario.rol}) no permite esta acción ({permiso.value}).")
        return usuario

    return checker


Lector = Annotated[UsuarioWeb, Depends(requiere(Permission.leer))]
Clasificador = Annotated[UsuarioWeb, Depends(requiere(Permission.clasificar))]
Gestor = Annotated[UsuarioWeb, Depends(requiere(Permission.cambiar_estado))]
Investigador = Annotated[UsuarioWeb, Depends(requiere(Permission.investigar))]
Administrador = Annotated[UsuarioWeb, Depends(requiere(Permission.administrar))]


def render(
    request: Request,
    nombre: str,
    contexto: Mapping[str, Any] | None = None,
    *,
    usuario: UsuarioWeb | None = None,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response:
    ctx = {"usuario": usuario, "csrf_token": csrf_token(request), **(contexto or {})}
    return templates.TemplateResponse(
        request, nombre, ctx, status_code=status_code, headers=dict(headers or {})
    )


def pagina_de_error(
    request: Request, status: int, body: dict[str, Any], headers: Mapping[str, str]
) -> Response:
    """Login redirects keep where the person was going; other errors are a readable page."""
    if body.get("error") == LoginRequerido.code:
        destino = "/login?next=" + quote(request.url.path)
        if request.headers.get("hx-request"):
            return Response(status_code=204, headers={"HX-Redirect": destino})
        return RedirectResponse(destino, status_code=303)
    plantilla = "_error_fragmento.html" if request.headers.get("hx-request") else "error.html"
    return render(
        request, plantilla, {"status": status, "error": body}, status_code=status, headers=headers
    )
