"""Settings read from the environment (prefix VETANCO_) and an optional .env file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """One place for every knob so deployments differ only by environment."""

    model_config = SettingsConfigDict(env_prefix="VETANCO_", env_file=".env", extra="ignore")

    database_url: str = Field(default="sqlite:///./data/vetanco.db")
    storage_dir: Path = Field(default=Path("./data/storage"))
    rate_limit: str = Field(default="100/minute")
    redis_url: str | None = None
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    secret_key: SecretStr | None = None
    log_level: str = "INFO"
    log_json: bool = False
    host: str = "127.0.0.1"
    port: int = 3000
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
        description="Cuánto reserva un worker una entrega (por defecto timeout + 30 s)",
    )

    kapso_webhook_secret: SecretStr | None = None
    kapso_api_url: str = "https://api.kapso.ai/meta/whatsapp/v24.0"
    kapso_api_key: SecretStr | None = None
    kapso_phone_number_id: str | None = None
    kapso_template_estado: str | None = None
    whatsapp_retry_schedule: str = "1,5,30,120,600,1800"
    whatsapp_media_max_bytes: int = Field(default=16 * 1024 * 1024, gt=0)
    conversation_reset_after: float = Field(default=24 * 3600, gt=0)

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
