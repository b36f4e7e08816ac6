"""Alembic environment: the URL comes from VETANCO_DATABASE_URL unless a caller passes a connection."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from vetanco.config import get_settings
from vetanco.db import make_engine
from vetanco.migrations import incluir
from vetanco.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=incluir,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or get_settings().database_url
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline migrations are not supported; run `vetanco db upgrade`.")
run_migrations_online()
