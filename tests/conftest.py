"""Every database test runs twice: on a fresh SQLite file and on a real PostgreSQL database."""

from __future__ import annotations

import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from vetanco import migrations
from vetanco.app import create_app
from vetanco.auth.roles import Role
from vetanco.auth.service import create_key
from vetanco.config import Settings, get_settings
from vetanco.db import Database
from vetanco.models import Base
from vetanco.sim.server import ThreadedServer

PG_ADMIN_URL = os.environ.get("VETANCO_TEST_POSTGRES_URL")
TABLES = [t.name for t in Base.metadata.sorted_tables]


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "vetanco.db"
    migrations.upgrade(f"sqlite:///{path}")
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    if not PG_ADMIN_URL:
        if os.environ.get("CI"):
            pytest.fail(
                "VETANCO_TEST_POSTGRES_URL no está definida: la pata PostgreSQL es obligatoria en CI"
            )
        pytest.skip("PostgreSQL no configurado (definí VETANCO_TEST_POSTGRES_URL)")
    name = f"vetanco_test_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(PG_ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    migrations.upgrade(url)
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def postgres_engine(postgres_url: str) -> Iterator[Engine]:
    engine = create_engine(postgres_url.replace("postgresql://", "postgresql+psycopg://", 1))
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        target = tmp_path / "vetanco.db"
        shutil.copy(template, target)
        return f"sqlite:///{target}"
    url: str = request.getfixturevalue("postgres_url")
    engine: Engine = request.getfixturevalue("postgres_engine")
    vaciar_postgres(engine)
    return url


def vaciar_postgres(engine: Engine) -> None:
    """Empties every table and restarts its sequences: DELETE on a test's few rows takes ~5 ms
    where TRUNCATE, which replaces each table's and index's files, took ~280 ms per test."""
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL session_replication_role = replica"))  # no FK order needed
        borrar = "; ".join(f"DELETE FROM {t}" for t in TABLES)  # noqa: S608 (our own table names)
        conn.execute(text(borrar))
        secuencias = conn.scalars(
            text("SELECT sequence_name FROM information_schema.sequences")
        ).all()
        for secuencia in secuencias:
            conn.execute(text(f'ALTER SEQUENCE "{secuencia}" RESTART'))


@pytest.fixture
def cli_env(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The `vetanco` command pointed at this test's database."""
    monkeypatch.setenv("VETANCO_DATABASE_URL", database_url)
    get_settings.cache_clear()
    yield database_url
    get_settings.cache_clear()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        database_url=database_url,
        storage_dir=tmp_path / "storage",
        rate_limit="100000/minute",
        worker_enabled=False,
        webhook_allow_private=True,
        webhook_retry_schedule="0.05,0.1,0.2",
        triage_auto_threshold=None,
    )


@pytest.fixture
def app(settings: Settings) -> Iterator[FastAPI]:
    application = create_app(settings)
    yield application
    application.state.db.dispose()


@pytest.fixture
def db(app: FastAPI) -> Database:
    database: Database = app.state.db
    return database


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def keys(db: Database) -> dict[str, str]:
    out: dict[str, str] = {}
    with db.transaction() as session:
        for role in Role:
            _, raw = create_key(session, name=f"test-{role.value}", role=role)
            out[role.value] = raw
    return out


class Api:
    """TestClient calls with the API key of a role (admin unless told otherwise)."""

    def __init__(self, client: TestClient, keys: dict[str, str]) -> None:
        self.client = client
        self.keys = keys

    def headers(self, role: str | None, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = dict(extra or {})
        if role is not None:
            headers["Authorization"] = f"Bearer {self.keys[role]}"
        return headers

    def request(
        self, method: str, path: str, *, role: str | None = "admin", **kw: Any
    ) -> httpx.Response:
        headers = self.headers(role, kw.pop("headers", None))
        return self.client.request(method, path, headers=headers, **kw)

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("POST", path, **kw)

    def put(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("PUT", path, **kw)

    def delete(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("DELETE", path, **kw)


@pytest.fixture
def api(client: TestClient, keys: dict[str, str]) -> Api:
    return Api(client, keys)


@pytest.fixture
def live_server(app: FastAPI) -> Iterator[str]:
    """The app behind a real uvicorn on a free loopback port, for concurrency tests."""
    server = ThreadedServer(app, name="vetanco")
    server.start()
    yield server.url
    server.stop()
