"""`vetanco usuario …`: staff accounts for the dashboard."""

from __future__ import annotations

from typing import Annotated

import typer
from pydantic import ValidationError

from vetanco.auth.roles import Role
from vetanco.errors import VetancoError
from vetanco.terminal import console, err, open_database
from vetanco.usuarios import service
from vetanco.usuarios.schemas import PASSWORD_MIN, UsuarioCreate

app = typer.Typer(help="Usuarios del panel web", no_args_is_help=True)


def _fail(mensaje: str) -> None:
    err.print(f"[red]Error:[/red] {mensaje}")
    raise typer.Exit(1)


def _password(valor: str | None) -> str:
    if valor is not None:
        return valor
    return str(
        typer.prompt(
            f"Contraseña (mínimo {PASSWORD_MIN} caracteres)",
            hide_input=True,
            confirmation_prompt=True,
        )
    )


@app.command("crear")
def crear(
    email: Annotated[str, typer.Option(help="Email con el que ingresa")],
    nombre: Annotated[str, typer.Option(help="Nombre y apellido")],
    rol: Annotated[Role, typer.Option(help="Rol, como en la API")],
    password: Annotated[
        str | None, typer.Option(help="Para scripts; si falta, se pide sin mostrarla")
    ] = None,
) -> None:
    """Crea una cuenta del panel; la contraseña se guarda sólo como hash Argon2."""
    try:
        data = UsuarioCreate(email=email, nombre=nombre, rol=rol, password=_password(password))
    except ValidationError as exc:
        _fail("; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()))
        return
    try:
        with open_database().transaction() as session:
            service.crear(session, data=data)
    except VetancoError as exc:
        _fail(exc.message)
    console.print(f"Usuario {data.email} creado con rol {rol.value}.")


@app.command("listar")
def listar() -> None:
    """Lista las cuentas (nunca las contraseñas)."""
    with open_database().transaction(write=False) as session:
        for u in service.listar(session):
            estado = "activo" if u.activo else "inactivo"
            print(f"{u.email}\t{u.nombre}\t{u.rol}\t{estado}")


@app.command("password")
def cambiar_password(
    email: Annotated[str, typer.Option()],
    password: Annotated[str | None, typer.Option()] = None,
) -> None:
    """Cambia la contraseña, desbloquea la cuenta y cierra sus sesiones abiertas."""
    nueva = _password(password)
    if len(nueva) < PASSWORD_MIN:
        _fail(f"la contraseña necesita al menos {PASSWORD_MIN} caracteres")
    try:
        with open_database().transaction() as session:
            service.cambiar_password(session, email=email, password=nueva)
    except VetancoError as exc:
        _fail(exc.message)
    console.print(f"Contraseña de {email} cambiada; sus sesiones se cerraron.")


@app.command("desactivar")
def desactivar(email: Annotated[str, typer.Option()]) -> None:
    """Quita el acceso al panel y cierra sus sesiones (el historial conserva su nombre)."""
    try:
        with open_database().transaction() as session:
            service.desactivar(session, email=email)
    except VetancoError as exc:
        _fail(exc.message)
    console.print(f"Usuario {email} desactivado.")
