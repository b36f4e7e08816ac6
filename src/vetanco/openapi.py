"""The OpenAPI document tells what the API really answers: 400 (not 422) and our error body."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

ERROR = {
    "type": "object",
    "required": ["error", "message", "details"],
    "properties": {
        "error": {"type": "string", "examples": ["validation_error"]},
        "message": {"type": "string", "examples": ["Los datos enviados no son válidos."]},
        "details": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "loc": {"type": "array", "items": {"type": ["string", "integer"]}},
                    "msg": {"type": "string"},
                    "type": {"type": "string"},
                },
            },
        },
    },
    "additionalProperties": True,
}
_REF = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
CON_CLAVE = {
    "401": "Falta la API key o no es válida.",
    "403": "El rol de la API key no permite esta operación.",
    "429": "Límite de pedidos excedido; ver Retry-After y X-RateLimit-*.",
}


def _ajustar(schema: dict[str, Any]) -> dict[str, Any]:
    componentes = schema.setdefault("components", {}).setdefault("schemas", {})
    componentes.pop("HTTPValidationError", None)
    componentes.pop("ValidationError", None)
    componentes["Error"] = ERROR
    for operaciones in schema.get("paths", {}).values():
        for operacion in operaciones.values():
            respuestas = operacion.setdefault("responses", {})
            if respuestas.pop("422", None) is not None:
                respuestas["400"] = {
                    "description": "Datos inválidos: `details` nombra cada campo.",
                    **_REF,
                }
            if operacion.get("security"):
                for codigo, texto in CON_CLAVE.items():
                    respuestas.setdefault(codigo, {"description": texto, **_REF})
    return schema


def instalar(app: FastAPI) -> None:
    """Replaces FastAPI's generator with one that post-processes the document once."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _ajustar(
                get_openapi(
                    title=app.title,
                    version=app.version,
                    description=app.description,
                    routes=app.routes,
                    tags=app.openapi_tags,
                )
            )
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
