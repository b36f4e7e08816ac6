"""Settings read from the environment (prefix VETANCO_) and an optional .env file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
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


@lru_cache
def get_settings() -> Settings:
    """Settings are read once per process; tests clear the cache to swap them."""
    return Settings()
