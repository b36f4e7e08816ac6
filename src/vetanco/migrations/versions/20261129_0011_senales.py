"""Señales por lote: la señal, los casos que reúne y el historial de sus estados.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

VIGENTE = "estado IN ('abierta', 'en_evaluacion')"


def upgrade() -> None:
    op.create_table(
        "senales",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("producto", sa.String(length=200), nullable=False),
        sa.Column("producto_clave", sa.String(length=200), nullable=False),
        sa.Column("lote", sa.String(length=50), nullable=False),
        sa.Column("estado", sa.String(length=20), nullable=False),
        sa.Column("motivo_apertura", sa.String(length=20), nullable=False),
        sa.Column("caso_apertura", sa.String(length=20), nullable=False),
        sa.Column("abierta_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("en_evaluacion_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("descartada_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("retiro_de_mercado_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cerrada_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_senales")),
    )
    with op.batch_alter_table("senales", schema=None) as batch_op:
        batch_op.create_index("ix_senales_lote", ["producto_clave", "lote"], unique=False)
        batch_op.create_index("ix_senales_estado", ["estado"], unique=False)
        batch_op.create_index(
            "uq_senales_vigente",
            ["producto_clave", "lote"],
            unique=True,
            sqlite_where=sa.text(VIGENTE),
            postgresql_where=sa.text(VIGENTE),
        )

    op.create_table(
        "senal_casos",
        sa.Column("senal_id", sa.Uuid(), nullable=False),
        sa.Column("caso_id", sa.Uuid(), nullable=False),
        sa.Column("origen", sa.String(length=20), nullable=False),
        sa.Column("vinculado_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["caso_id"],
            ["casos.id"],
            name=op.f("fk_senal_casos_caso_id_casos"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["senal_id"],
            ["senales.id"],
            name=op.f("fk_senal_casos_senal_id_senales"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("senal_id", "caso_id", name=op.f("pk_senal_casos")),
    )
    with op.batch_alter_table("senal_casos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_senal_casos_caso_id"), ["caso_id"], unique=False)

    op.create_table(
        "senal_cambios",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("senal_id", sa.Uuid(), nullable=False),
        sa.Column("estado_anterior", sa.String(length=20), nullable=True),
        sa.Column("estado_nuevo", sa.String(length=20), nullable=False),
        sa.Column("motivo", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=150), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["senal_id"],
            ["senales.id"],
            name=op.f("fk_senal_cambios_senal_id_senales"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_senal_cambios")),
    )
    with op.batch_alter_table("senal_cambios", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_senal_cambios_senal_id"), ["senal_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("senal_cambios", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_senal_cambios_senal_id"))
    op.drop_table("senal_cambios")

    with op.batch_alter_table("senal_casos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_senal_casos_caso_id"))
    op.drop_table("senal_casos")

    with op.batch_alter_table("senales", schema=None) as batch_op:
        batch_op.drop_index("uq_senales_vigente")
        batch_op.drop_index("ix_senales_estado")
        batch_op.drop_index("ix_senales_lote")
    op.drop_table("senales")
