"""Texto de búsqueda de cada caso, indexado: FTS5 trigram en SQLite, pg_trgm GIN en PostgreSQL.

Una migración futura que recree `casos` en SQLite (batch) debe volver a crear los disparadores y
ejecutar `INSERT INTO casos_fts(casos_fts) VALUES('rebuild')`.

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-29
"""

import re
import unicodedata
from collections import defaultdict
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SQLITE = (
    "CREATE VIRTUAL TABLE casos_fts USING fts5("
    "busqueda, content='casos', content_rowid='rowid', tokenize='trigram')",
    "CREATE TRIGGER casos_fts_ai AFTER INSERT ON casos BEGIN "
    "INSERT INTO casos_fts(rowid, busqueda) VALUES (new.rowid, new.busqueda); END",
    "CREATE TRIGGER casos_fts_ad AFTER DELETE ON casos BEGIN "
    "INSERT INTO casos_fts(casos_fts, rowid, busqueda) VALUES ('delete', old.rowid, old.busqueda); END",
    "CREATE TRIGGER casos_fts_au AFTER UPDATE OF busqueda ON casos BEGIN "
    "INSERT INTO casos_fts(casos_fts, rowid, busqueda) VALUES ('delete', old.rowid, old.busqueda); "
    "INSERT INTO casos_fts(rowid, busqueda) VALUES (new.rowid, new.busqueda); END",
)
_ESPACIOS = re.compile(r"\s+")


def _fold(texto: str) -> str:
    """The same folding as vetanco.text.fold, copied so the migration never changes."""
    separado = unicodedata.normalize("NFKD", texto.casefold())
    limpio = "".join(c for c in separado if not unicodedata.combining(c))
    return _ESPACIOS.sub(" ", limpio).strip()


def _rellenar() -> None:
    bind = op.get_bind()
    productos: dict[object, list[str]] = defaultdict(list)
    for caso_id, nombre, lote in bind.execute(
        sa.text(
            "SELECT caso_id, nombre_producto, numero_lote FROM productos_afectados ORDER BY orden"
        )
    ):
        productos[caso_id] += [p for p in (nombre, lote) if p]
    filas = bind.execute(
        sa.text("SELECT id, numero_caso, que_sucedio, descripcion_libre FROM casos")
    ).all()
    lote = []
    for caso_id, numero, que, descripcion in filas:
        partes = [numero, que, descripcion, *productos.get(caso_id, [])]
        lote.append({"i": caso_id, "b": _fold(" ".join(p for p in partes if p))})
        if len(lote) == 5000:
            bind.execute(sa.text("UPDATE casos SET busqueda = :b WHERE id = :i"), lote)
            lote = []
    if lote:
        bind.execute(sa.text("UPDATE casos SET busqueda = :b WHERE id = :i"), lote)


def upgrade() -> None:
    with op.batch_alter_table("casos") as batch:
        batch.add_column(sa.Column("busqueda", sa.Text(), server_default="", nullable=False))
    _rellenar()
    if op.get_bind().dialect.name == "sqlite":
        for sentencia in SQLITE:
            op.execute(sentencia)
        op.execute("INSERT INTO casos_fts(casos_fts) VALUES ('rebuild')")
    else:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_casos_busqueda_trgm ON casos USING gin (busqueda gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("casos_fts_au", "casos_fts_ad", "casos_fts_ai"):
            op.execute(f"DROP TRIGGER {trigger}")
        op.execute("DROP TABLE casos_fts")
    else:
        op.execute("DROP INDEX ix_casos_busqueda_trgm")
    with op.batch_alter_table("casos") as batch:
        batch.drop_column("busqueda")
