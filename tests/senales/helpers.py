"""Shortcuts for the lot-signal tests: reclamos about a lot, the signals the API lists."""

from __future__ import annotations

from typing import Any

from tests.conftest import Api
from tests.factories import crear_caso

PRODUCTO = "Vetancilina 100ml"


def reclamo(
    api: Api,
    lote: str,
    criticidad: str | None = "menor",
    *,
    producto: str = PRODUCTO,
    tipo: str | None = "reclamo",
    cuit: str | None = None,
    donde: str | None = None,
    **extra: Any,
) -> str:
    """A case about `lote`; tipo=None leaves it pendiente_clasificacion."""
    overrides: dict[str, Any] = {"producto": {"nombre_producto": producto, "numero_lote": lote}}
    if tipo is not None:
        overrides["tipo_caso"] = tipo
        if tipo == "reclamo":
            overrides["criticidad"] = criticidad
    if cuit is not None:
        overrides["cliente"] = {"cuit": cuit}
    if donde is not None:
        overrides["descripcion"] = {"donde_ocurrio": donde}
    return crear_caso(api, **overrides, **extra)


def senales(api: Api, role: str = "admin", **params: Any) -> list[dict[str, Any]]:
    response = api.get("/api/senales", params={"limit": 100, **params}, role=role)
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data


def una_senal(api: Api, **params: Any) -> dict[str, Any]:
    (senal,) = senales(api, **params)
    return senal


def detalle(api: Api, senal_id: str) -> dict[str, Any]:
    response = api.get(f"/api/senales/{senal_id}")
    assert response.status_code == 200, response.text
    senal: dict[str, Any] = response.json()["senal"]
    return senal


def mover(api: Api, senal_id: str, estado: str, motivo: str = "Decisión de Calidad") -> None:
    response = api.put(f"/api/senales/{senal_id}", json={"estado": estado, "motivo": motivo})
    assert response.status_code == 200, response.text
