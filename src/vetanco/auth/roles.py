"""Roles and what each may do; the API and the dashboard read the same table."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    admin = "admin"
    calidad = "calidad"
    colaborador = "colaborador"
    lectura = "lectura"


class Permission(StrEnum):
    leer = "leer"
    crear_caso = "crear_caso"
    clasificar = "clasificar"
    cambiar_estado = "cambiar_estado"
    investigar = "investigar"
    gestionar_colaboradores = "gestionar_colaboradores"
    administrar = "administrar"


_QUALITY = {
    Permission.leer,
    Permission.crear_caso,
    Permission.clasificar,
    Permission.cambiar_estado,
    Permission.investigar,
    Permission.gestionar_colaboradores,
}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.admin: frozenset(Permission),
    Role.calidad: frozenset(_QUALITY),
    Role.colaborador: frozenset({Permission.leer, Permission.crear_caso}),
    Role.lectura: frozenset({Permission.leer}),
}


def allows(role: str, permission: Permission) -> bool:
    """Unknown roles get nothing, so a typo in the database never widens access."""
    try:
        return permission in ROLE_PERMISSIONS[Role(role)]
    except ValueError:
        return False
