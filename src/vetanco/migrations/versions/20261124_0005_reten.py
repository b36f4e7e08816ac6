"""Reten: espejo local de tareas y estado del conector.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reten_estado",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("walk_id", sa.String(length=40), nullable=True),
        sa.Column("walk_full", sa.Boolean(), nullable=True),
        sa.Column("checkpoint_page", sa.Integer(), nullable=True),
        sa.Column("walk_started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_poll_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_full_walk_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("webhook_id", sa.String(length=100), nullable=True),
        sa.Column("refresh_token_enc", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reten_estado")),
    )
    op.create_table(
        "tareas_reten",
        sa.Column("id", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=True),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=30), nullable=True),
        sa.Column("priority", sa.String(length=20), nullable=True),
        sa.Column("assigned_to", sa.String(length=100), nullable=True),
        sa.Column("due_date", sa.DateTime(timezone=True), nullable=True),
        sa.Column("remote_created_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("remote_updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("raw", sa.JSON(), nullable=False),
        sa.Column("caso_id", sa.Uuid(), nullable=True),
        sa.Column("seen_walk", sa.String(length=40), nullable=True),
        sa.Column("vanished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("synced_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["caso_id"], ["casos.id"], name=op.f("fk_tareas_reten_caso_id_casos")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tareas_reten")),
    )
    op.create_index("ix_tareas_reten_assigned_to", "tareas_reten", ["assigned_to"])
    op.create_index("ix_tareas_reten_caso_id", "tareas_reten", ["caso_id"])
    op.create_index("ix_tareas_reten_due_date", "tareas_reten", ["due_date"])
    op.create_index("ix_tareas_reten_status", "tareas_reten", ["status"])


def downgrade() -> None:
    op.drop_index("ix_tareas_reten_status", table_name="tareas_reten")
    op.drop_index("ix_tareas_reten_due_date", table_name="tareas_reten")
    op.drop_index("ix_tareas_reten_caso_id", table_name="tareas_reten")
    op.drop_index("ix_tareas_reten_assigned_to", table_name="tareas_reten")

    op.drop_table("tareas_reten")
    op.drop_table("reten_estado")
