"""The dashboard's routes: login and logout here, each area's pages in `paginas/`."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from vetanco.config import Settings
from vetanco.db import SessionDep
from vetanco.usuarios import service as usuarios
from vetanco.usuarios.service import Resultado
from vetanco.web import deps
from vetanco.web.deps import WebUser, render
from vetanco.web.etiquetas import fecha
from vetanco.web.paginas import (
    admin,
    admin_webhooks,
    bandeja,
    caso,
    conversaciones,
    estadisticas,
    senales,
)

router = APIRouter(
    include_in_schema=False,
    dependencies=[Depends(deps.marcar_web), Depends(deps.verificar_csrf)],
)


def _destino(next_url: str | None) -> str:
    """Only our own paths, so the login form can't be used to send people elsewhere."""
    if next_url and next_url.startswith("/") and not next_url.startswith(("//", "/\\")):
        return next_url
    return "/casos"


@router.get("/")
def inicio() -> Response:
    return RedirectResponse("/casos", status_code=303)


@router.get("/login")
def login_form(request: Request, next: str | None = None) -> Response:
    return render(request, "login.html", {"next": _destino(next), "email": ""})


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    email: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str | None, Form(max_length=500)] = None,
) -> Response:
    settings: Settings = request.app.state.settings
    ingreso = usuarios.autenticar(
        session,
        email=email,
        password=password,
        max_intentos=settings.login_max_intentos,
        bloqueo=timedelta(minutes=settings.login_bloqueo_minutos),
    )
    if ingreso.resultado is not Resultado.ok or ingreso.usuario is None:
        mensaje = (
            f"Cuenta bloqueada por intentos fallidos hasta las {fecha(ingreso.bloqueado_hasta)}."
            if ingreso.resultado is Resultado.bloqueado
            else "Email o contraseña incorrectos."
        )
        contexto = {"next": _destino(next), "email": email, "mensaje": mensaje}
        return render(request, "login.html", contexto, status_code=401)
    request.session.clear()
    request.session["usuario"] = {
        "id": str(ingreso.usuario.id),
        "v": ingreso.usuario.version_sesion,
    }
    deps.csrf_token(request)
    return RedirectResponse(_destino(next), status_code=303)


@router.post("/logout")
def logout(request: Request, _usuario: WebUser) -> Response:
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


router.include_router(bandeja.router)
router.include_router(caso.router)
router.include_router(conversaciones.router)
router.include_router(estadisticas.router)
router.include_router(senales.router)
router.include_router(admin.router)
router.include_router(admin_webhooks.router)
