"""Staff accounts: creation, password checks with lock-out, and session validity."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy.orm import Session

from vetanco.auth.roles import Role
from vetanco.auth.schemas import Principal
from vetanco.db import utcnow
from vetanco.errors import Conflict, NotFound
from vetanco.usuarios import repository
from vetanco.usuarios.models import Usuario
from vetanco.usuarios.schemas import UsuarioCreate

HASHER = PasswordHash((Argon2Hasher(),))


@cache
def _dummy_hash() -> str:
    """Made on first use, not at import: an Argon2 hash is ~0.2 s of every process's start."""
    return HASHER.hash("vetanco-sin-usuario")


class Resultado(StrEnum):
    ok = "ok"
    invalido = "invalido"
    bloqueado = "bloqueado"


@dataclass(frozen=True, slots=True)
class Ingreso:
    resultado: Resultado
    usuario: Usuario | None = None
    bloqueado_hasta: datetime | None = None


def crear(session: Session, *, data: UsuarioCreate) -> Usuario:
    if repository.por_email(session, data.email) is not None:
        raise Conflict(f"Ya existe un usuario con el email {data.email}.")
    usuario = Usuario(
        email=data.email,
        nombre=data.nombre,
        rol=data.rol.value,
        password_hash=HASHER.hash(data.password),
    )
    session.add(usuario)
    session.flush()
    return usuario


def autenticar(
    session: Session, *, email: str, password: str, max_intentos: int, bloqueo: timedelta
) -> Ingreso:
    """Never raises on a bad password, so the failure counter is committed with the request."""
    usuario = repository.por_email(session, email.strip())
    if usuario is None or not usuario.activo:
        HASHER.verify(password, _dummy_hash())
        return Ingreso(Resultado.invalido)
    ahora = utcnow()
    if usuario.bloqueado_hasta is not None and usuario.bloqueado_hasta > ahora:
        return Ingreso(Resultado.bloqueado, bloqueado_hasta=usuario.bloqueado_hasta)
    valido, nuevo_hash = HASHER.verify_and_update(password, usuario.password_hash)
    if not valido:
        usuario.intentos_fallidos += 1
        if usuario.intentos_fallidos >= max_intentos:
            usuario.bloqueado_hasta = ahora + bloqueo
            usuario.intentos_fallidos = 0
            session.flush()
            return Ingreso(Resultado.bloqueado, bloqueado_hasta=usuario.bloqueado_hasta)
        session.flush()
        return Ingreso(Resultado.invalido)
    if nuevo_hash:
        usuario.password_hash = nuevo_hash
    usuario.intentos_fallidos = 0
    usuario.bloqueado_hasta = None
    usuario.ultimo_ingreso_at = ahora
    session.flush()
    return Ingreso(Resultado.ok, usuario=usuario)


def vigente(session: Session, *, usuario_id: uuid.UUID, version: int) -> Usuario | None:
    """A cookie is honoured only while its account is active and its sessions were not revoked."""
    usuario = repository.por_id(session, usuario_id)
    if usuario is None or not usuario.activo or usuario.version_sesion != version:
        return None
    return usuario


def cerrar_sesiones(session: Session, *, email: str) -> Usuario:
    usuario = _existente(session, email)
    usuario.version_sesion += 1
    session.flush()
    return usuario


def cambiar_password(session: Session, *, email: str, password: str) -> Usuario:
    usuario = _existente(session, email)
    usuario.password_hash = HASHER.hash(password)
    usuario.version_sesion += 1
    usuario.intentos_fallidos = 0
    usuario.bloqueado_hasta = None
    session.flush()
    return usuario


def desactivar(session: Session, *, email: str) -> Usuario:
    usuario = _existente(session, email)
    usuario.activo = False
    usuario.version_sesion += 1
    session.flush()
    return usuario


def listar(session: Session) -> list[Usuario]:
    return repository.todos(session)


BOOTSTRAP_EMAIL = "admin@localhost"


def ensure_bootstrap_admin(session: Session) -> str | None:
    """On a database with no accounts, one admin with a random password, so the panel opens."""
    if repository.hay_alguno(session):
        return None
    password = secrets.token_urlsafe(12)
    usuario = Usuario(
        email=BOOTSTRAP_EMAIL,
        nombre="Administrador",
        rol=Role.admin.value,
        password_hash=HASHER.hash(password),
    )
    session.add(usuario)
    session.flush()
    return password


def principal(usuario: Usuario) -> Principal:
    return Principal(key_id=usuario.id, name=usuario.email, role=usuario.rol, tipo="usuario")


def _existente(session: Session, email: str) -> Usuario:
    usuario = repository.por_email(session, email)
    if usuario is None:
        raise NotFound(f"No existe un usuario con el email {email}.")
    return usuario
