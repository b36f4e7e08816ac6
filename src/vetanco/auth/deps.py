"""FastAPI dependencies: who is calling, is it allowed, is it within its rate."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from vetanco.auth import service
from vetanco.auth.roles import Permission, allows
from vetanco.auth.schemas import Principal
from vetanco.db import SessionDep
from vetanco.errors import Forbidden, RateLimited, Unauthorized
from vetanco.ratelimit import RateLimiter

bearer = HTTPBearer(
    auto_error=False, description="API key de Vetanco: `Authorization: Bearer <key>`"
)


def current_key(
    request: Request,
    session: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> Principal:
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise Unauthorized()
    principal = service.authenticate(session, raw_key=credentials.credentials)
    limiter: RateLimiter = request.app.state.rate_limiter
    verdict = limiter.hit(str(principal.key_id))
    request.state.ratelimit_headers = verdict.headers()
    request.state.actor = principal.actor
    if not verdict.allowed:
        raise RateLimited(headers=verdict.headers())
    return principal


CurrentKey = Annotated[Principal, Depends(current_key)]


def require(permission: Permission) -> Callable[[Principal], Principal]:
    def checker(principal: CurrentKey) -> Principal:
        if not allows(principal.role, permission):
            raise Forbidden(
                f"El rol '{principal.role}' no puede realizar esta operación ({permission.value})."
            )
        return principal

    return checker


ReaderKey = Annotated[Principal, Depends(require(Permission.leer))]
CreatorKey = Annotated[Principal, Depends(require(Permission.crear_caso))]
ClassifierKey = Annotated[Principal, Depends(require(Permission.clasificar))]
StateKey = Annotated[Principal, Depends(require(Permission.cambiar_estado))]
InvestigatorKey = Annotated[Principal, Depends(require(Permission.investigar))]
StaffAdminKey = Annotated[Principal, Depends(require(Permission.gestionar_colaboradores))]
AdminKey = Annotated[Principal, Depends(require(Permission.administrar))]
