"""The service's own errors and the one handler that renders every error as JSON."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

log = structlog.get_logger(__name__)


class VetancoError(Exception):
    """Base error: carries the HTTP status, a stable code and a Spanish message."""

    status_code = 500
    code = "error_interno"
    message = "Error interno del servidor."

    def __init__(
        self,
        message: str | None = None,
        *,
        details: Sequence[Mapping[str, Any]] | None = None,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        self.message = message or self.message
        self.details = list(details or [])
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})
        super().__init__(self.message)

    def body(self) -> dict[str, Any]:
        return {"error": self.code, "message": self.message, "details": self.details, **self.extra}


class ValidationFailed(VetancoError):
    status_code = 400
    code = "validation_error"
    message = "Los datos enviados no son válidos."

    @classmethod
    def field(cls, loc: Sequence[str | int], msg: str) -> ValidationFailed:
        """A rule that only the service can check, reported like a schema error on that field."""
        return cls(details=[{"loc": list(loc), "msg": msg, "type": "value_error"}])


class Unauthorized(VetancoError):
    status_code = 401
    code = "unauthorized"
    message = "API key inválida o faltante."


class Forbidden(VetancoError):
    status_code = 403
    code = "forbidden"
    message = "Tu API key no tiene permisos para esta operación."


class NotFound(VetancoError):
    status_code = 404
    code = "not_found"
    message = "Recurso no encontrado."


class Conflict(VetancoError):
    status_code = 409
    code = "conflict"
    message = "La operación entra en conflicto con el estado actual."


class PayloadTooLarge(VetancoError):
    status_code = 413
    code = "payload_too_large"
    message = "El cuerpo de la petición es demasiado grande."


class RateLimited(VetancoError):
    status_code = 429
    code = "rate_limited"
    message = "Superaste el límite de peticiones. Reintentá más tarde."


class ServiceUnavailable(VetancoError):
    status_code = 503
    code = "service_unavailable"
    message = "El servicio no puede guardar el pedido ahora. Reintentá más tarde."


_STATUS_CODES = {
    400: ("bad_request", "Petición inválida."),
    401: (Unauthorized.code, Unauthorized.message),
    403: (Forbidden.code, Forbidden.message),
    404: (NotFound.code, "La ruta no existe."),
    405: ("method_not_allowed", "Método no permitido para esta ruta."),
    413: (PayloadTooLarge.code, PayloadTooLarge.message),
    415: ("unsupported_media_type", "Tipo de contenido no soportado."),
}


NOT_JSON = "enviá el cuerpo como JSON con el header Content-Type: application/json"


def _clean_loc(loc: Sequence[Any]) -> list[Any]:
    return [part for part in loc if part not in ("function-after", "function-before")]


def validation_details(errors: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Pydantic errors reduced to what an integrator needs: where, what, which kind."""
    return [
        {"loc": _clean_loc(err.get("loc", ())), "msg": err.get("msg", ""), "type": err.get("type")}
        for err in errors
    ]


def _json(
    status: int, body: dict[str, Any], headers: Mapping[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(body, status_code=status, headers=dict(headers or {}))


HtmlRenderer = Callable[[Request, int, dict[str, Any], Mapping[str, str]], Response]


def _respond(
    request: Request, status: int, body: dict[str, Any], headers: Mapping[str, str] | None = None
) -> Response:
    """JSON for the API; the dashboard's pages mark their requests and get an HTML page instead."""
    renderer: HtmlRenderer | None = getattr(request.app.state, "html_errors", None)
    if renderer is not None and getattr(request.state, "web", False):
        return renderer(request, status, body, dict(headers or {}))
    return _json(status, body, headers)


def http_error_body(exc: StarletteHTTPException) -> dict[str, Any]:
    """Starlette's own HTTP errors (404, 405, 413 while streaming…) in our JSON shape."""
    code, message = _STATUS_CODES.get(exc.status_code, ("http_error", str(exc.detail)))
    return {"error": code, "message": message, "details": []}


def install_error_handlers(app: FastAPI) -> None:
    """Every failure, expected or not, leaves as the same JSON shape (or page, for the dashboard)."""

    @app.exception_handler(VetancoError)
    async def _vetanco(request: Request, exc: VetancoError) -> Response:
        return _respond(request, exc.status_code, exc.body(), exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        details = validation_details(exc.errors())
        content_type = request.headers.get("content-type", "")
        is_form = "form" in content_type and getattr(request.state, "web", False)
        if (
            request.method in ("POST", "PUT", "PATCH")
            and "json" not in content_type
            and not is_form
        ):
            details = [{"loc": ["header", "content-type"], "msg": NOT_JSON, "type": "content_type"}]
        return _respond(request, 400, ValidationFailed(details=details).body())

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        return _respond(request, exc.status_code, http_error_body(exc), exc.headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled_error", path=request.url.path, method=request.method)
        return _respond(request, 500, VetancoError().body())
