"""GET/POST /api/colaboradores."""

from __future__ import annotations

from fastapi import APIRouter, status

from vetanco.auth.deps import ReaderKey, StaffAdminKey
from vetanco.colaboradores import service
from vetanco.colaboradores.schemas import (
    ColaboradorCreado,
    ColaboradorCreate,
    ColaboradorList,
    ColaboradorRead,
)
from vetanco.db import SessionDep

router = APIRouter(prefix="/api/colaboradores", tags=["colaboradores"])


@router.get("", response_model=ColaboradorList, summary="Listar colaboradores activos")
def listar(session: SessionDep, _key: ReaderKey) -> ColaboradorList:
    items = service.listar_colaboradores(session)
    return ColaboradorList(data=[ColaboradorRead.model_validate(c) for c in items])


@router.post(
    "",
    response_model=ColaboradorCreado,
    status_code=status.HTTP_201_CREATED,
    summary="Registrar un colaborador",
)
def crear(data: ColaboradorCreate, session: SessionDep, _key: StaffAdminKey) -> ColaboradorCreado:
    colaborador = service.crear_colaborador(session, data=data)
    return ColaboradorCreado(colaborador=ColaboradorRead.model_validate(colaborador))
