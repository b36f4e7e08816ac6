"""Reten: modo del conector (webhooks o polling de respaldo) y alertas.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reten_alertas",
        sa.Column("tipo", sa.String(length=40), nullable=False),
        sa.Column("activa", sa.Boolean(), nullable=False),
        sa.Column("detalle", sa.String(length=500), nullable=True),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cleared_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("tipo", name=op.f("pk_reten_alertas")),
    )
    with op.batch_alter_table("reten_estado", schema=None) as batch_op:
        batch_op.add_column(sa.Column("modo", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("webhooks_aplicados", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("tasa_fallos_webhooks", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reten_estado", schema=None) as batch_op:
        batch_op.drop_column("tasa_fallos_webhooks")
        batch_op.drop_column("webhooks_aplicados")
        batch_op.drop_column("modo")

    op.drop_table("reten_alertas")
