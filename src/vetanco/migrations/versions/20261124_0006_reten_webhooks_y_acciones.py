"""Reten: bandeja de webhooks y acciones pendientes hacia Reten.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reten_eventos",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("dedup_key", sa.String(length=64), nullable=False),
        sa.Column("event", sa.String(length=40), nullable=False),
        sa.Column("task_id", sa.String(length=100), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reten_eventos")),
        sa.UniqueConstraint("dedup_key", name=op.f("uq_reten_eventos_dedup_key")),
    )
    op.create_index("ix_reten_eventos_pendientes", "reten_eventos", ["processed_at", "id"])

    op.create_table(
        "reten_acciones",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("task_id", sa.String(length=100), nullable=False),
        sa.Column("caso_id", sa.Uuid(), nullable=True),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("estado", sa.String(length=20), nullable=False),
        sa.Column("intentos", sa.Integer(), nullable=False),
        sa.Column("proximo_intento_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ultimo_error", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["caso_id"], ["casos.id"], name=op.f("fk_reten_acciones_caso_id_casos")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reten_acciones")),
    )
    op.create_index("ix_reten_acciones_cola", "reten_acciones", ["estado", "proximo_intento_at"])

    with op.batch_alter_table("reten_estado", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_webhook_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reten_estado", schema=None) as batch_op:
        batch_op.drop_column("last_webhook_at")

    op.drop_index("ix_reten_acciones_cola", table_name="reten_acciones")

    op.drop_table("reten_acciones")
    op.drop_index("ix_reten_eventos_pendientes", table_name="reten_eventos")

    op.drop_table("reten_eventos")
