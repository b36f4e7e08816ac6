"""Programmatic Alembic entry points used by the CLI, `serve` and the tests."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine


def alembic_config(database_url: str | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", "vetanco:migrations")
    if database_url:
        cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return cfg


FUERA_DE_LOS_MODELOS = ("casos_fts", "ix_casos_busqueda_trgm", "ix_casos_criticidad_rango")


def incluir(
    _objeto: object, nombre: str | None, _tipo: str, _reflejado: bool, _par: object
) -> bool:
    """Indexes that exist only in the database are not model drift: search (migration 0015) and
    the criticidad sort (0020), an expression index autogenerate cannot compare."""
    return not (nombre or "").startswith(FUERA_DE_LOS_MODELOS)


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)


def is_current(engine: Engine) -> bool:
    """True when the database is at the newest migration; /readyz refuses traffic otherwise."""
    heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads()) == heads
