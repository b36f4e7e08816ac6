"""GET /api/clientes."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from vetanco.auth.deps import ReaderKey
from vetanco.clientes import service
from vetanco.clientes.schemas import ClienteList
from vetanco.db import SessionDep
from vetanco.schemas import Limit, Page

router = APIRouter(prefix="/api/clientes", tags=["clientes"])


@router.get("", response_model=ClienteList, summary="Buscar clientes")
def buscar(
    session: SessionDep,
    _key: ReaderKey,
    cuit: Annotated[str | None, Query(max_length=20, examples=["30-12345678-1"])] = None,
    telefono: Annotated[str | None, Query(max_length=40)] = None,
    search: Annotated[
        str | None, Query(max_length=200, description="Nombre o razón social")
    ] = None,
    page: Page = 1,
    limit: Limit = 20,
) -> ClienteList:
    return service.buscar_clientes(
        session, cuit=cuit, telefono=telefono, search=search, page=page, limit=limit
    )
