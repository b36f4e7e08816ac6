"""Case indexes that hold a list page: its leading filter, its whole sort order, the number.

`GET /api/casos` now picks a page's case numbers from an index alone and reads only those rows
(casos.repository.list_filas), so an offset skips index entries instead of rows with their
client join. There is one index per filter a list starts from (none, tipo, estado,
criticidad); each goes on with the sort (created_at, then the unique number) and ends with the
other filters, so a combination such as «reclamo, resuelto» is checked inside the index too.
estado is stored newest first, which also serves `orden=estado`; updated_at and the criticidad
rank (an expression index, kept out of the models: autogenerate cannot compare it) serve their
orders. tipo + criticidad alone is replaced by the tipo index.

SQL of a page on a million cases, SQLite, before → after: «reclamo, resuelto» page 50
10.7 → 0.7 ms; «reclamo, crítico» page 1 379 → 0.4 ms; page 2000 321 → 1.4 ms;
`orden=estado` 3 277 → 0.5 ms, `-updated_at` 1 572 → 0.4 ms, `criticidad` 1 336 → 0.4 ms.

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# the same expression as casos.repository.RANGO_CRITICIDAD, copied so this migration never changes
RANGO_CRITICIDAD = (
    "(CASE criticidad WHEN 'critico' THEN 0 WHEN 'mayor' THEN 1 WHEN 'menor' THEN 2 ELSE 3 END)"
)
NUEVOS: dict[str, list[str | sa.TextClause]] = {
    "ix_casos_created_at": ["created_at", "numero_caso"],
    "ix_casos_updated_at": ["updated_at", "numero_caso"],
    "ix_casos_tipo_created_at": ["tipo_caso", "created_at", "numero_caso", "criticidad", "estado"],
    "ix_casos_criticidad_created_at": [
        "criticidad",
        "created_at",
        "numero_caso",
        "tipo_caso",
        "estado",
    ],
    "ix_casos_estado_created_at": [
        "estado",
        sa.text("created_at DESC"),
        sa.text("numero_caso DESC"),
        "tipo_caso",
        "criticidad",
    ],
    "ix_casos_criticidad_rango": [
        sa.text(RANGO_CRITICIDAD),
        sa.text("created_at DESC"),
        sa.text("numero_caso DESC"),
    ],
}
ANTERIORES: dict[str, list[str | sa.TextClause]] = {
    "ix_casos_created_at": ["created_at"],
    "ix_casos_estado_created_at": ["estado", "created_at"],
    "ix_casos_tipo_criticidad": ["tipo_caso", "criticidad"],
}


def upgrade() -> None:
    for nombre in ANTERIORES:
        op.drop_index(nombre, table_name="casos")
    for nombre, columnas in NUEVOS.items():
        op.create_index(nombre, "casos", columnas)


def downgrade() -> None:
    for nombre in NUEVOS:
        op.drop_index(nombre, table_name="casos")
    for nombre, columnas in ANTERIORES.items():
        op.create_index(nombre, "casos", columnas)
