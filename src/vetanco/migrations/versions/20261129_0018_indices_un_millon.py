"""Indexes measured on a million cases (bench/api.py).

Cases by estado, newest first: the list filtered by state reads the page in index order (page 50
of «reclamo, resuelto» on SQLite: 26 → 14 ms); it replaces the index on estado alone.

SLA clocks still running, in a partial index with what the statistics read.

`GET /api/estadisticas` counts running clocks that are past due (running, or paused after the
deadline). The old index lacked `pausado_desde`, so with a million cases PostgreSQL read 100 000
rows from the table: 320 ms, and SQLite kept choosing it. It is replaced by one that holds only
open clocks, with `vence` and `pausado_desde`: an index-only scan, 25 ms (it also serves the SLA
monitor's search for open clocks by deadline).

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ABIERTO = "cumplido_at IS NULL"


def upgrade() -> None:
    op.create_index(
        "ix_relojes_caso_abiertos",
        "relojes_caso",
        ["tipo", "vence", "pausado_desde", "inicio"],
        sqlite_where=sa.text(ABIERTO),
        postgresql_where=sa.text(ABIERTO),
    )
    op.drop_index("ix_relojes_caso_pendientes", table_name="relojes_caso")
    op.create_index("ix_casos_estado_created_at", "casos", ["estado", "created_at"])
    op.drop_index("ix_casos_estado", table_name="casos")


def downgrade() -> None:
    op.create_index("ix_casos_estado", "casos", ["estado"])
    op.drop_index("ix_casos_estado_created_at", table_name="casos")
    op.create_index("ix_relojes_caso_pendientes", "relojes_caso", ["tipo", "cumplido_at", "vence"])
    op.drop_index("ix_relojes_caso_abiertos", table_name="relojes_caso")
