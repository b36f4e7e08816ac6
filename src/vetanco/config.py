"""Settings read from the environment (prefix VETANCO_) and an optional .env file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class ObjetivoSla(BaseModel):
    """Targets of one SLA policy: first response in business hours, resolution in business days."""

    primera_respuesta_horas: float = Field(gt=0)
    resolucion_dias: float = Field(gt=0)


class PlazoRegulatorio(BaseModel):
    """Calendar days an authority allows to report an adverse event; None = no individual report."""

    dias_grave: int | None = Field(default=15, gt=0)
    dias_no_grave: int | None = Field(default=None, gt=0)


SLA_POR_DEFECTO = {
    "critico": ObjetivoSla(primera_respuesta_horas=4, resolucion_dias=5),
    "mayor": ObjetivoSla(primera_respuesta_horas=24, resolucion_dias=15),
    "menor": ObjetivoSla(primera_respuesta_horas=72, resolucion_dias=30),
    "queja": ObjetivoSla(primera_respuesta_horas=24, resolucion_dias=10),
    "comentario": ObjetivoSla(primera_respuesta_horas=72, resolucion_dias=30),
    "pendiente_clasificacion": ObjetivoSla(primera_respuesta_horas=8, resolucion_dias=15),
}


class Settings(BaseSettings):
    """One place for every knob so deployments differ only by environment."""

    model_config = SettingsConfigDict(env_prefix="VETANCO_", env_file=".env", extra="ignore")

    database_url: str = Field(default="sqlite:///./data/vetanco.db")
    storage_dir: Path = Field(default=Path("./data/storage"))
    rate_limit: str = Field(default="100/minute")
    redis_url: str | None = None
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    secret_key: SecretStr | None = None
    sesion_horas: float = Field(default=12, gt=0, description="Vida de la sesión del panel web")
    sesion_cookie_segura: bool = Field(
        default=False, description="Cookie de sesión sólo por HTTPS (activala detrás de TLS)"
    )
    login_max_intentos: int = Field(default=5, ge=1)
    login_bloqueo_minutos: float = Field(default=15, gt=0)
    log_level: str = "INFO"
    log_format: Literal["json", "console"] = Field(
        default="console", description="json: un objeto JSON por línea (producción)"
    )
    metrics_abierto: bool = Field(
        default=False, description="GET /metrics sin restricción (por defecto sólo loopback)"
    )
    metrics_token: SecretStr | None = Field(
        default=None, description="Token Bearer que habilita GET /metrics desde otra máquina"
    )
    host: str = "127.0.0.1"
    port: int = 3000
    api_worker_healthcheck: int = Field(
        default=60,
        ge=1,
        description="Segundos que `serve --workers N` espera la respuesta de un proceso de la API "
        "antes de reemplazarlo (uvicorn trae 5: en una máquina cargada, el arranque tarda más y "
        "reemplazaba los procesos sin fin)",
    )
    worker_enabled: bool = True
    worker_poll_interval: float = Field(default=0.5, gt=0)
    worker_concurrency: int = Field(default=8, ge=1, le=64)
    webhook_retry_schedule: str = "5,300,1800,7200,18000,36000,36000"
    webhook_disable_after: float = Field(default=5 * 24 * 3600, gt=0)
    webhook_timeout: float = Field(default=10.0, gt=0)
    webhook_allow_private: bool = False
    webhook_lease_seconds: float | None = Field(
        default=None,
        gt=0,
        description="Cuánto reserva un worker un lote de entregas (por defecto ⌈lote ÷ concurrencia⌉ × (timeout + 5) + 30 s)",
    )

    kapso_webhook_secret: SecretStr | None = None
    kapso_api_url: str = "https://api.kapso.ai/meta/whatsapp/v24.0"
    kapso_api_key: SecretStr | None = None
    kapso_phone_number_id: str | None = None
    kapso_template_estado: str | None = None
    whatsapp_retry_schedule: str = "1,5,30,120,600,1800"
    whatsapp_media_max_bytes: int = Field(default=16 * 1024 * 1024, gt=0)
    whatsapp_concurrency: int = Field(
        default=4,
        ge=1,
        le=32,
        description="Mensajes entrantes de WhatsApp que el bot atiende en paralelo por proceso "
        "(con PostgreSQL; con SQLite, de a uno)",
    )
    conversation_reset_after: float = Field(default=24 * 3600, gt=0)

    triage_rules: Path | None = Field(
        default=None, description="Archivo TOML de reglas de triage (por defecto, el incluido)"
    )
    triage_auto_threshold: float | None = Field(
        default=0.85,
        ge=0,
        le=1,
        description="Confianza desde la cual la sugerencia se aplica sola; vacío = nunca",
    )
    duplicado_similitud: float = Field(default=85, ge=50, le=100)
    sla_horario: str = "09:00-18:00"
    sla_zona: str = "America/Argentina/Buenos_Aires"
    sla_feriados_extra: str = ""
    sla_objetivos: dict[str, ObjetivoSla] = Field(default_factory=lambda: dict(SLA_POR_DEFECTO))
    sla_riesgo_fraccion: float = Field(default=0.25, gt=0, lt=1)
    sla_scan_interval: float = Field(default=60, gt=0)
    regulatorio_autoridad: str = "SENASA"
    regulatorio_plazos: dict[str, PlazoRegulatorio] = Field(
        default_factory=lambda: {"SENASA": PlazoRegulatorio(dias_grave=15, dias_no_grave=None)}
    )
    regulatorio_aviso_dias: int = Field(default=3, ge=0)
    signal_min_cases: int = Field(
        default=3, ge=1, description="Reclamos de un lote dentro de la ventana que abren una señal"
    )
    signal_window_days: int = Field(
        default=30, ge=1, description="Días corridos hacia atrás en los que se cuentan"
    )

    reten_base_url: str | None = None
    reten_client_id: str | None = None
    reten_client_secret: SecretStr | None = None
    reten_token_url: str | None = None
    reten_scopes: str = "tasks:read tasks:write"
    reten_grant: Literal["client_credentials", "authorization_code"] = "client_credentials"
    reten_redirect_uri: str = "http://localhost:3000/oauth/reten/callback"
    reten_webhook_secret: SecretStr | None = None
    reten_poll_interval: float = Field(default=300, gt=0)
    reten_reconcile_interval: float = Field(default=24 * 3600, gt=0)
    reten_max_retries: int = Field(default=6, ge=0, le=20)
    reten_backoff_base: float = Field(default=0.5, ge=0)
    reten_timeout: float = Field(default=10.0, gt=0)

    @property
    def reten_enabled(self) -> bool:
        return bool(self.reten_base_url)

    @property
    def reten_token_endpoint(self) -> str:
        return self.reten_token_url or f"{(self.reten_base_url or '').rstrip('/')}/auth/token"

    @field_validator("triage_auto_threshold", mode="before")
    @classmethod
    def _threshold(cls, value: object) -> object:
        if isinstance(value, str) and value.strip().lower() in ("", "off", "nunca", "none"):
            return None
        return value

    @field_validator("sla_objetivos")
    @classmethod
    def _objetivos(cls, value: dict[str, ObjetivoSla]) -> dict[str, ObjetivoSla]:
        unknown = sorted(set(value) - set(SLA_POR_DEFECTO))
        if unknown:
            raise ValueError(
                f"políticas desconocidas: {', '.join(unknown)}; válidas: {', '.join(SLA_POR_DEFECTO)}"
            )
        return {**SLA_POR_DEFECTO, **value}

    @model_validator(mode="after")
    def _autoridad(self) -> Settings:
        if self.regulatorio_autoridad not in self.regulatorio_plazos:
            raise ValueError(
                f"VETANCO_REGULATORIO_AUTORIDAD={self.regulatorio_autoridad!r} no tiene plazo en "
                f"VETANCO_REGULATORIO_PLAZOS (hay: {', '.join(self.regulatorio_plazos) or 'ninguno'})"
            )
        return self

    @field_validator("webhook_retry_schedule", "whatsapp_retry_schedule")
    @classmethod
    def _schedule(cls, value: str) -> str:
        try:
            delays = [float(part) for part in value.split(",") if part.strip()]
        except ValueError as exc:
            raise ValueError("usá segundos separados por comas, p. ej. 5,300,1800") from exc
        if not delays or any(d < 0 for d in delays):
            raise ValueError("el calendario de reintentos necesita al menos un valor no negativo")
        return value

    @property
    def retry_delays(self) -> list[float]:
        return _delays(self.webhook_retry_schedule)

    @property
    def whatsapp_retry_delays(self) -> list[float]:
        return _delays(self.whatsapp_retry_schedule)


def _delays(schedule: str) -> list[float]:
    return [float(part) for part in schedule.split(",") if part.strip()]


@lru_cache
def get_settings() -> Settings:
    """Settings are read once per process; tests clear the cache to swap them."""
    return Settings()
