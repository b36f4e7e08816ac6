"""Resumen de los relojes SLA en cada caso (vencimiento y riesgo más próximos, incumplido).

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EN_CURSO = (
    "FROM relojes_caso r WHERE r.caso_id = casos.id "
    "AND r.tipo IN ('primera_respuesta', 'resolucion') "
    "AND r.cumplido_at IS NULL AND r.pausado_desde IS NULL"
)
INCUMPLIDO = (
    "EXISTS (SELECT 1 FROM relojes_caso r WHERE r.caso_id = casos.id "
    "AND r.tipo IN ('primera_respuesta', 'resolucion') AND ("
    "(r.cumplido_at IS NOT NULL AND r.cumplido_at > r.vence) OR "
    "(r.cumplido_at IS NULL AND r.pausado_desde IS NOT NULL AND r.vence <= r.pausado_desde)))"
)


def upgrade() -> None:
    with op.batch_alter_table("casos") as batch:
        batch.add_column(sa.Column("sla_vence", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("sla_riesgo_desde", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(
            sa.Column("sla_incumplido", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.execute(
        f"UPDATE casos SET sla_vence = (SELECT min(r.vence) {EN_CURSO}), "  # noqa: S608
        f"sla_riesgo_desde = (SELECT min(r.riesgo_desde) {EN_CURSO}), "
        f"sla_incumplido = {INCUMPLIDO}"
    )
    op.create_index("ix_casos_sla_vence", "casos", ["sla_vence"])
    op.create_index("ix_casos_sla_riesgo_desde", "casos", ["sla_riesgo_desde"])
    op.create_index("ix_casos_sla_incumplido", "casos", ["sla_incumplido"])
    op.create_index("ix_casos_estado_updated_at", "casos", ["estado", "updated_at"])


def downgrade() -> None:
    op.drop_index("ix_casos_estado_updated_at", table_name="casos")
    op.drop_index("ix_casos_sla_incumplido", table_name="casos")
    op.drop_index("ix_casos_sla_riesgo_desde", table_name="casos")
    op.drop_index("ix_casos_sla_vence", table_name="casos")
    with op.batch_alter_table("casos") as batch:
        batch.drop_column("sla_incumplido")
        batch.drop_column("sla_riesgo_desde")
        batch.drop_column("sla_vence")
