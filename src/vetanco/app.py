"""The FastAPI application: API routers, error handlers, middleware, health checks."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.telemetry import TelemetryConfig
from sqlalchemy import text
from starlette.middleware.sessions import SessionMiddleware

from vetanco import metricas, migrations, openapi
from vetanco.auth.routes import router as api_keys_router
from vetanco.casos.routes import router as casos_router
from vetanco.clientes.routes import router as clientes_router
from vetanco.colaboradores.routes import router as colaboradores_router
from vetanco.config import Settings, get_settings
from vetanco.db import Database
from vetanco.errors import install_error_handlers
from vetanco.estadisticas.routes import router as estadisticas_router
from vetanco.farmacovigilancia.routes import router as farmacovigilancia_router
from vetanco.investigaciones.routes import router as investigaciones_router
from vetanco.middleware import BodySizeLimit, ResponseHeadersFromState
from vetanco.observability import configurar_proceso
from vetanco.politicas import Politicas
from vetanco.ratelimit import RateLimiter
from vetanco.reten.routes import casos_router as reten_casos_router
from vetanco.reten.routes import router as reten_router
from vetanco.reten.routes import webhook_router as reten_webhook_router
from vetanco.senales.routes import router as senales_router
from vetanco.sla.routes import router as sla_router
from vetanco.web import deps as web_deps
from vetanco.web.routes import router as web_router
from vetanco.web.sesion import clave_de_sesion
from vetanco.webhooks.routes import router as webhooks_router
from vetanco.whatsapp.ingreso import RUTA as RUTA_KAPSO
from vetanco.whatsapp.ingreso import AtajoKapso, IngresoKapso
from vetanco.whatsapp.routes import api_router as whatsapp_api_router
from vetanco.whatsapp.routes import kapso_router
from vetanco.worker import BackgroundThread

DESCRIPTION = """
API REST de **Vetanco Reclamos**: casos (reclamos, quejas y comentarios), clientes,
investigaciones y estadísticas. Autenticación con `Authorization: Bearer <API key>`.
Errores siempre en JSON: `{"error", "message", "details"}`.
"""


# Metrics are Prometheus (vetanco.metricas) and logs structlog; FastAPI's OpenTelemetry hooks
# would otherwise look up the global providers on every request (~20 µs each).
NO_OTEL: TelemetryConfig = {
    "tracing": False,
    "metrics": False,
    "logs": False,
    "operation_spans": False,
}


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    db = Database(settings.database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        worker = BackgroundThread(db, settings) if settings.worker_enabled else None
        if worker:
            worker.start()
        try:
            yield
        finally:
            if worker:
                worker.shutdown()
            db.dispose()

    app = FastAPI(
        title="Vetanco Reclamos API",
        version="1.0.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        telemetry=NO_OTEL,
    )
    app.state.settings = settings
    app.state.db = db
    app.state.politicas = Politicas.desde(settings)
    app.state.rate_limiter = RateLimiter(settings.rate_limit, settings.redis_url)
    install_error_handlers(app)
    app.state.html_errors = web_deps.pagina_de_error
    app.add_middleware(
        SessionMiddleware,
        secret_key=clave_de_sesion(settings),
        session_cookie="vetanco_sesion",
        max_age=int(settings.sesion_horas * 3600),
        same_site="lax",
        https_only=settings.sesion_cookie_segura,
    )
    ingreso = app.state.ingreso_kapso = IngresoKapso(db, settings)
    ruta_kapso = next(r for r in kapso_router.routes if getattr(r, "path", None) == RUTA_KAPSO)
    app.add_middleware(AtajoKapso, ingreso=ingreso, route=ruta_kapso)
    app.add_middleware(ResponseHeadersFromState)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    for router in (
        casos_router,
        farmacovigilancia_router,
        sla_router,
        senales_router,
        investigaciones_router,
        clientes_router,
        estadisticas_router,
        colaboradores_router,
        api_keys_router,
        webhooks_router,
        whatsapp_api_router,
        kapso_router,
        reten_router,
        reten_webhook_router,
        reten_casos_router,
        web_router,
        metricas.router,
    ):
        # the routers' own routes, built once at import: `include_router` made every app (each
        # test, each process) rebuild all of them lazily on its first request (0.2–0.5 s)
        app.router.routes.extend(router.routes)
    openapi.instalar(app)
    app.mount("/static", StaticFiles(directory=web_deps.HERE / "static"), name="static")

    @app.get("/healthz", tags=["salud"], summary="El proceso está vivo")
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", tags=["salud"], summary="La base de datos responde")
    def readyz() -> JSONResponse:
        try:
            with db.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            current = migrations.is_current(db.engine)
        except Exception:
            return JSONResponse({"status": "unavailable", "database": "error"}, status_code=503)
        if not current:
            body = {"status": "unavailable", "database": "migraciones pendientes"}
            return JSONResponse(body, status_code=503)
        return JSONResponse({"status": "ok", "database": "ok"})

    return app


def create_app_from_env() -> FastAPI:
    """The factory each `vetanco serve --workers N` process imports: settings and logs from the environment."""
    settings = get_settings()
    configurar_proceso(settings)
    return create_app(settings)
