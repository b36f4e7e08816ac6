"""Adjuntos descargados: estado de la descarga, SHA-256 y ruta en el almacenamiento.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("adjuntos", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("estado", sa.String(length=20), server_default="externo", nullable=False)
        )
        batch_op.add_column(sa.Column("media_id", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("sha256", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("ruta", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("error", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("intentos", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_adjuntos_estado", "adjuntos", ["estado"])


def downgrade() -> None:
    op.drop_index("ix_adjuntos_estado", table_name="adjuntos")
    with op.batch_alter_table("adjuntos", schema=None) as batch_op:
        batch_op.drop_column("lease_until")
        batch_op.drop_column("intentos")
        batch_op.drop_column("error")
        batch_op.drop_column("ruta")
        batch_op.drop_column("sha256")
        batch_op.drop_column("media_id")
        batch_op.drop_column("estado")
