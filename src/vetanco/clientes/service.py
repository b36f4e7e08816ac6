"""Client rules: one client per CUIT, updated with the freshest contact data."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from vetanco.clientes import repository
from vetanco.clientes.models import Cliente
from vetanco.clientes.schemas import ClienteCreate, ClienteList, ClienteListItem, normalizar_cuit
from vetanco.errors import ValidationFailed
from vetanco.schemas import Pagination
from vetanco.text import fold

_NON_DIGITS = re.compile(r"\D")


def solo_digitos(telefono: str | None) -> str | None:
    digits = _NON_DIGITS.sub("", telefono or "")
    return digits or None


def _refresh_search_text(cliente: Cliente) -> None:
    parts = [cliente.nombre_apellido, cliente.razon_social, cliente.cuit, cliente.email]
    cliente.busqueda = fold(" ".join(p for p in parts if p))[:500]


def upsert_cliente(session: Session, *, data: ClienteCreate) -> Cliente:
    """Match by CUIT, else by phone; update what the caller brought, never blank what it didn't."""
    digitos = solo_digitos(data.telefono)
    cliente = None
    if data.cuit:
        cliente = repository.by_cuit(session, data.cuit)
    elif digitos:
        cliente = repository.by_telefono(session, digitos)
    if cliente is None:
        cliente = Cliente()
        session.add(cliente)
    for field, value in data.model_dump(exclude_none=True).items():
        setattr(cliente, field, value)
    if digitos:
        cliente.telefono_digitos = digitos
    _refresh_search_text(cliente)
    session.flush()
    return cliente


def buscar_clientes(
    session: Session,
    *,
    cuit: str | None,
    telefono: str | None,
    search: str | None,
    page: int,
    limit: int,
) -> ClienteList:
    if cuit:
        try:
            cuit = normalizar_cuit(cuit)
        except ValueError as exc:
            raise ValidationFailed.field(["query", "cuit"], str(exc)) from exc
    digitos = solo_digitos(telefono)
    if telefono is not None and not digitos:
        raise ValidationFailed.field(["query", "telefono"], "el teléfono debe tener dígitos")
    rows, total = repository.search(
        session,
        cuit=cuit,
        telefono_digitos=digitos,
        texto=fold(search) if search else None,
        offset=(page - 1) * limit,
        limit=limit,
    )
    data = [
        ClienteListItem.model_validate(
            {**_as_dict(c), "total_casos": total_casos, "casos_abiertos": abiertos}
        )
        for c, total_casos, abiertos in rows
    ]
    return ClienteList(data=data, pagination=Pagination.of(total=total, page=page, limit=limit))


def _as_dict(cliente: Cliente) -> dict[str, object]:
    fields = ("id", "nombre_apellido", "razon_social", "cuit", "telefono", "email", "direccion")
    return {f: getattr(cliente, f) for f in fields}
