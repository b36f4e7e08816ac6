"""Triage, eventos adversos y relojes (SLA y reporte regulatorio); marcas de duplicado y fusión.

Revision ID: 0010
Revises: 0008
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "eventos_adversos",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("caso_id", sa.Uuid(), nullable=False),
        sa.Column("origen", sa.String(length=20), nullable=False),
        sa.Column("grave", sa.Boolean(), nullable=False),
        sa.Column("falta_de_eficacia", sa.Boolean(), nullable=False),
        sa.Column("exposicion_humana", sa.Boolean(), nullable=False),
        sa.Column("especie", sa.String(length=100), nullable=True),
        sa.Column("animales_tratados", sa.Integer(), nullable=True),
        sa.Column("animales_afectados", sa.Integer(), nullable=True),
        sa.Column("animales_muertos", sa.Integer(), nullable=True),
        sa.Column("dosis", sa.String(length=200), nullable=True),
        sa.Column("via_administracion", sa.String(length=50), nullable=True),
        sa.Column("fecha_aplicacion", sa.Date(), nullable=True),
        sa.Column("desenlace", sa.String(length=30), nullable=True),
        sa.Column("observaciones", sa.Text(), nullable=True),
        sa.Column("autoridad", sa.String(length=50), nullable=True),
        sa.Column("reporte_presentado_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reporte_referencia", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["caso_id"],
            ["casos.id"],
            name=op.f("fk_eventos_adversos_caso_id_casos"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_eventos_adversos")),
        sa.UniqueConstraint("caso_id", name=op.f("uq_eventos_adversos_caso_id")),
    )
    op.create_table(
        "relojes_caso",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("caso_id", sa.Uuid(), nullable=False),
        sa.Column("tipo", sa.String(length=30), nullable=False),
        sa.Column("politica", sa.String(length=50), nullable=False),
        sa.Column("habiles", sa.Boolean(), nullable=False),
        sa.Column("objetivo_horas", sa.Float(), nullable=False),
        sa.Column("inicio", sa.DateTime(timezone=True), nullable=False),
        sa.Column("vence", sa.DateTime(timezone=True), nullable=False),
        sa.Column("riesgo_desde", sa.DateTime(timezone=True), nullable=False),
        sa.Column("pausado_desde", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pausa_horas", sa.Float(), nullable=False),
        sa.Column("cumplido_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("alerta_riesgo_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("alerta_vencido_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["caso_id"],
            ["casos.id"],
            name=op.f("fk_relojes_caso_caso_id_casos"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relojes_caso")),
        sa.UniqueConstraint("caso_id", "tipo", name="uq_relojes_caso_caso_tipo"),
    )
    with op.batch_alter_table("relojes_caso", schema=None) as batch_op:
        batch_op.create_index(
            "ix_relojes_caso_pendientes", ["tipo", "cumplido_at", "vence"], unique=False
        )

    op.create_table(
        "sugerencias_triage",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("caso_id", sa.Uuid(), nullable=False),
        sa.Column("tipo_caso", sa.String(length=30), nullable=False),
        sa.Column("criticidad", sa.String(length=20), nullable=True),
        sa.Column("confianza", sa.Float(), nullable=False),
        sa.Column("evento_adverso", sa.Boolean(), nullable=False),
        sa.Column("grave", sa.Boolean(), nullable=False),
        sa.Column("razones", sa.JSON(), nullable=False),
        sa.Column("descartadas", sa.JSON(), nullable=False),
        sa.Column("aplicada", sa.Boolean(), nullable=False),
        sa.Column("version_reglas", sa.String(length=50), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["caso_id"],
            ["casos.id"],
            name=op.f("fk_sugerencias_triage_caso_id_casos"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sugerencias_triage")),
        sa.UniqueConstraint("caso_id", name=op.f("uq_sugerencias_triage_caso_id")),
    )
    with op.batch_alter_table("casos", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("evento_adverso", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("posible_duplicado_de", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("fusionado_en", sa.String(length=20), nullable=True))
        batch_op.add_column(
            sa.Column("primera_respuesta_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.create_index("ix_casos_evento_adverso", ["evento_adverso"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("casos", schema=None) as batch_op:
        batch_op.drop_index("ix_casos_evento_adverso")
        batch_op.drop_column("primera_respuesta_at")
        batch_op.drop_column("fusionado_en")
        batch_op.drop_column("posible_duplicado_de")
        batch_op.drop_column("evento_adverso")

    op.drop_table("sugerencias_triage")
    with op.batch_alter_table("relojes_caso", schema=None) as batch_op:
        batch_op.drop_index("ix_relojes_caso_pendientes")

    op.drop_table("relojes_caso")
    op.drop_table("eventos_adversos")
