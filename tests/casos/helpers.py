"""Shared assertions and shortcuts for the casos tests (kept here so other folders stay untouched)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import update

from tests.conftest import Api
from tests.factories import clasificar, crear_caso, crear_colaborador
from vetanco.casos.models import Caso
from vetanco.db import Database

ERROR_KEYS = {"error", "message", "details"}
RESOLUCION = "Se reemplazó el lote completo y se compensó al cliente"


def assert_error(response: httpx.Response, status: int, error: str | None = None) -> dict[str, Any]:
    """Every error is JSON with error/message/details, details entries carrying loc and msg."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: dict[str, Any] = response.json()
    assert set(body) >= ERROR_KEYS, body
    assert isinstance(body["error"], str)
    assert body["error"]
    assert isinstance(body["message"], str)
    assert body["message"]
    assert isinstance(body["details"], list)
    for entry in body["details"]:
        assert "loc" in entry, entry
        assert "msg" in entry, entry
        assert isinstance(entry["loc"], list)
    if error is not None:
        assert body["error"] == error, body
    return body


def locs(body: dict[str, Any]) -> list[list[Any]]:
    return [entry["loc"] for entry in body["details"]]


def assert_400_at(response: httpx.Response, loc: list[Any]) -> dict[str, Any]:
    """A 400 whose details name exactly this field."""
    body = assert_error(response, 400)
    assert loc in locs(body), body
    return body


def assert_400_ending(response: httpx.Response, last: str) -> dict[str, Any]:
    body = assert_error(response, 400)
    assert any(loc and loc[-1] == last for loc in locs(body)), body
    return body


def parse_ts(value: str) -> datetime:
    """An ISO timestamp from the API, which must carry a UTC offset."""
    parsed = datetime.fromisoformat(value)
    assert parsed.tzinfo is not None, value
    return parsed.astimezone(UTC)


def is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def detalle(api: Api, numero: str) -> dict[str, Any]:
    response = api.get(f"/api/casos/{numero}")
    assert response.status_code == 200, response.text
    caso: dict[str, Any] = response.json()["caso"]
    return caso


def mover(api: Api, numero: str, estado: str, role: str = "admin", **extra: Any) -> httpx.Response:
    """PUT …/estado; a resolucion is sent whenever the target is resuelto unless told otherwise."""
    body: dict[str, Any] = {"estado": estado, **extra}
    if estado == "resuelto":
        body.setdefault("resolucion", RESOLUCION)
    body = {k: v for k, v in body.items() if v is not None}
    return api.put(f"/api/casos/{numero}/estado", json=body, role=role)


def mover_ok(api: Api, numero: str, estado: str, **extra: Any) -> None:
    response = mover(api, numero, estado, **extra)
    assert response.status_code == 200, response.text


RUTA_A: dict[str, list[str]] = {
    "nuevo": [],
    "en_investigacion": ["en_investigacion"],
    "resuelto": ["resuelto"],
    "cerrado": ["resuelto", "cerrado"],
}


def caso_en_estado(
    api: Api, estado: str, tipo: str = "queja", criticidad: str | None = None, **overrides: Any
) -> str:
    """A classified case walked through allowed transitions until it reaches `estado`."""
    numero = crear_caso(api, **overrides)
    clasificar(api, numero, tipo, criticidad)
    for paso in RUTA_A[estado]:
        mover_ok(api, numero, paso)
    return numero


def iniciar_investigacion(api: Api, numero: str, causa_raiz: str | None = None) -> str:
    """POST …/investigacion, optionally followed by a PUT that records the causa_raiz."""
    investigador = crear_colaborador(api)
    response = api.post(
        f"/api/casos/{numero}/investigacion", json={"investigador_id": investigador}
    )
    assert response.status_code == 201, response.text
    inv_id: str = response.json()["investigacion"]["id"]
    if causa_raiz is not None:
        response = api.put(f"/api/investigaciones/{inv_id}", json={"causa_raiz": causa_raiz})
        assert response.status_code == 200, response.text
    return inv_id


def set_created_at(db: Database, numero: str, when: datetime) -> None:
    """Backdates a case so date filters and ordering can be checked deterministically."""
    with db.transaction() as session:
        session.execute(
            update(Caso).where(Caso.numero_caso == numero).values(created_at=when, updated_at=when)
        )


def historial(api: Api, numero: str) -> list[dict[str, Any]]:
    response = api.get(f"/api/casos/{numero}/historial")
    assert response.status_code == 200, response.text
    data: list[dict[str, Any]] = response.json()["data"]
    return data
