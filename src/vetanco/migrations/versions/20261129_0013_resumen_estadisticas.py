"""Totales diarios para las estadísticas; los días ya existentes quedan pendientes de calcular.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "resumen_casos_dia",
        sa.Column("dia", sa.Date(), nullable=False),
        sa.Column("tipo_caso", sa.String(length=30), nullable=False),
        sa.Column("criticidad", sa.String(length=20), nullable=False),
        sa.Column("estado", sa.String(length=20), nullable=False),
        sa.Column("casos", sa.Integer(), nullable=False),
        sa.Column("resueltos", sa.Integer(), nullable=False),
        sa.Column("horas_resolucion", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint(
            "dia", "tipo_caso", "criticidad", "estado", name=op.f("pk_resumen_casos_dia")
        ),
    )
    op.create_table(
        "resumen_productos_dia",
        sa.Column("dia", sa.Date(), nullable=False),
        sa.Column("producto_clave", sa.String(length=200), nullable=False),
        sa.Column("nombre_producto", sa.String(length=200), nullable=False),
        sa.Column("reclamos", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("dia", "producto_clave", name=op.f("pk_resumen_productos_dia")),
    )
    op.create_table(
        "resumen_lotes_dia",
        sa.Column("dia", sa.Date(), nullable=False),
        sa.Column("producto_clave", sa.String(length=200), nullable=False),
        sa.Column("lote", sa.String(length=50), nullable=False),
        sa.Column("nombre_producto", sa.String(length=200), nullable=False),
        sa.Column("reclamos", sa.Integer(), nullable=False),
        sa.Column("criticos", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("dia", "producto_clave", "lote", name=op.f("pk_resumen_lotes_dia")),
    )
    op.create_index(
        "ix_resumen_lotes_dia_lote",
        "resumen_lotes_dia",
        ["producto_clave", "lote", "dia", "reclamos", "criticos", "nombre_producto"],
    )
    op.create_table(
        "resumen_sla_dia",
        sa.Column("dia", sa.Date(), nullable=False),
        sa.Column("tipo", sa.String(length=30), nullable=False),
        sa.Column("a_tiempo", sa.Integer(), nullable=False),
        sa.Column("tarde", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("dia", "tipo", name=op.f("pk_resumen_sla_dia")),
    )
    op.create_table(
        "resumen_pendientes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("dia", sa.Date(), nullable=False),
        sa.Column("marcado_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_resumen_pendientes")),
    )
    op.create_index(op.f("ix_resumen_pendientes_dia"), "resumen_pendientes", ["dia"])
    postgres = op.get_bind().dialect.name == "postgresql"
    dia = "(created_at AT TIME ZONE 'UTC')::date" if postgres else "date(created_at)"
    ahora = datetime.now(UTC) if postgres else datetime.now(UTC).replace(tzinfo=None)
    op.execute(
        sa.text(
            f"INSERT INTO resumen_pendientes (dia, marcado_at) SELECT DISTINCT {dia}, :ahora FROM casos"  # noqa: S608
        ).bindparams(sa.bindparam("ahora", ahora, type_=sa.DateTime(timezone=postgres)))
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_resumen_pendientes_dia"), table_name="resumen_pendientes")
    op.drop_table("resumen_pendientes")
    op.drop_table("resumen_sla_dia")
    op.drop_index("ix_resumen_lotes_dia_lote", table_name="resumen_lotes_dia")
    op.drop_table("resumen_lotes_dia")
    op.drop_table("resumen_productos_dia")
    op.drop_table("resumen_casos_dia")
