"""Valid request bodies with unique content, and shortcuts to create what a test needs."""

from __future__ import annotations

import itertools
import random
from typing import Any

from stdnum.ar import cuit as stdnum_cuit

from tests.conftest import Api

_counter = itertools.count(1)


def cuit_valido(seed: int | None = None, prefijo: str = "30") -> str:
    """A CUIT whose check digit is right (python-stdnum computes it)."""
    rng = random.Random(seed)
    while True:
        base = prefijo + f"{rng.randrange(10**8):08d}"
        digito = stdnum_cuit.calc_check_digit(base)
        if len(digito) == 1:
            return f"{base[:2]}-{base[2:]}-{digito}"


def caso_payload(**overrides: Any) -> dict[str, Any]:
    n = next(_counter)
    payload: dict[str, Any] = {
        "tipo_usuario_registro": "cliente",
        "cliente": {
            "nombre_apellido": "Juan Pérez",
            "razon_social": "Agropecuaria Los Pinos SA",
            "cuit": "30-12345678-1",
            "direccion": "Av. Rivadavia 1234, CABA",
            "telefono": "11-5555-1234",
            "email": "juan@ejemplo.com",
        },
        "producto": {
            "nombre_producto": "Vetancilina 100ml",
            "presentacion": "Frasco",
            "numero_lote": f"ABC{n:04d}",
            "fecha_vencimiento": "2026-12-31",
            "estado_producto": "usado",
            "cantidad_afectada": 10,
            "unidad_medida": "frascos",
        },
        "descripcion": {
            "que_sucedio": f"Intoxicación en bovinos, caso de prueba {n}",
            "donde_ocurrio": "Establecimiento Las Rosas",
            "cuando_ocurrio": "2025-10-17T14:00:00Z",
            "descripcion_libre": "Informe veterinario adjunto",
        },
        "numero_remito": "0001-00012345",
        "canal": "telefono",
    }
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(payload.get(key), dict):
            payload[key] = {**payload[key], **value}
        else:
            payload[key] = value
    return payload


def crear_caso(api: Api, **overrides: Any) -> str:
    response = api.post("/api/casos", json=caso_payload(**overrides))
    assert response.status_code == 201, response.text
    numero: str = response.json()["caso"]["numero_caso"]
    return numero


def crear_colaborador(
    api: Api, nombre: str = "Dr. Carlos López", cargo: str = "Investigador de Calidad"
) -> str:
    response = api.post("/api/colaboradores", json={"nombre": nombre, "cargo": cargo})
    assert response.status_code == 201, response.text
    colaborador_id: str = response.json()["colaborador"]["id"]
    return colaborador_id


def clasificar(
    api: Api, numero: str, tipo: str = "reclamo", criticidad: str | None = "critico", **extra: Any
) -> None:
    body: dict[str, Any] = {"tipo_caso": tipo, "criticidad": criticidad, **extra}
    response = api.put(f"/api/casos/{numero}/clasificar", json=body)
    assert response.status_code == 200, response.text
