"""Catálogo de productos: lo que importa `vetanco import productos` y lo que reconoce el bot.

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "productos",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("codigo", sa.String(length=50), nullable=True),
        sa.Column("nombre", sa.String(length=200), nullable=False),
        sa.Column("presentacion", sa.String(length=100), nullable=True),
        sa.Column("clave", sa.String(length=300), nullable=False),
        sa.Column("principio_activo", sa.String(length=200), nullable=True),
        sa.Column("especies", sa.String(length=200), nullable=True),
        sa.Column("registro_senasa", sa.String(length=50), nullable=True),
        sa.Column("activo", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_productos")),
        sa.UniqueConstraint("codigo", name=op.f("uq_productos_codigo")),
        sa.UniqueConstraint("clave", name=op.f("uq_productos_clave")),
    )
    op.create_index(op.f("ix_productos_activo"), "productos", ["activo"])


def downgrade() -> None:
    op.drop_index(op.f("ix_productos_activo"), table_name="productos")
    op.drop_table("productos")
