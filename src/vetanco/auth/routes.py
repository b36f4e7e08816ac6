"""/api/api-keys: admins issue, list and revoke keys."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status

from vetanco.auth import service
from vetanco.auth.deps import AdminKey
from vetanco.auth.schemas import ApiKeyCreate, ApiKeyCreated, ApiKeyList, ApiKeyRead
from vetanco.db import SessionDep

router = APIRouter(prefix="/api/api-keys", tags=["api-keys"])


@router.get("", response_model=ApiKeyList, summary="Listar API keys (sin el secreto)")
def listar(session: SessionDep, _key: AdminKey) -> ApiKeyList:
    return ApiKeyList(data=[ApiKeyRead.model_validate(k) for k in service.list_keys(session)])


@router.post(
    "",
    response_model=ApiKeyCreated,
    status_code=status.HTTP_201_CREATED,
    summary="Crear una API key (la clave se muestra una sola vez)",
)
def crear(data: ApiKeyCreate, session: SessionDep, _key: AdminKey) -> ApiKeyCreated:
    key, raw = service.create_key(session, name=data.name, role=data.role)
    return ApiKeyCreated(**ApiKeyRead.model_validate(key).model_dump(), key=raw)


@router.delete("/{name}", response_model=ApiKeyRead, summary="Revocar una API key")
def revocar(
    name: Annotated[str, Path(max_length=100)], session: SessionDep, _key: AdminKey
) -> ApiKeyRead:
    return ApiKeyRead.model_validate(service.revoke_key(session, name=name))
