"""WhatsApp: bandeja de eventos de Kapso, conversaciones y mensajes (cola de salida incluida).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "conversaciones",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("telefono", sa.String(length=30), nullable=False),
        sa.Column("phone_number_id", sa.String(length=64), nullable=True),
        sa.Column("kapso_conversation_id", sa.String(length=100), nullable=True),
        sa.Column("contact_name", sa.String(length=200), nullable=True),
        sa.Column("paso", sa.String(length=40), nullable=False),
        sa.Column("datos", sa.JSON(), nullable=False),
        sa.Column("requiere_humano", sa.Boolean(), nullable=False),
        sa.Column("ultimo_entrante_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conversaciones")),
        sa.UniqueConstraint("telefono", name=op.f("uq_conversaciones_telefono")),
    )
    op.create_table(
        "kapso_eventos",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("dedup_key", sa.String(length=200), nullable=False),
        sa.Column("tipo", sa.String(length=20), nullable=False),
        sa.Column("formato", sa.String(length=10), nullable=False),
        sa.Column("telefono", sa.String(length=30), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kapso_eventos")),
        sa.UniqueConstraint("dedup_key", name=op.f("uq_kapso_eventos_dedup_key")),
    )
    op.create_index("ix_kapso_eventos_pendientes", "kapso_eventos", ["processed_at", "id"])
    op.create_index("ix_kapso_eventos_telefono", "kapso_eventos", ["telefono"])

    op.create_table(
        "mensajes_whatsapp",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("conversacion_id", sa.Uuid(), nullable=False),
        sa.Column("caso_id", sa.Uuid(), nullable=True),
        sa.Column("direccion", sa.String(length=10), nullable=False),
        sa.Column("tipo", sa.String(length=20), nullable=False),
        sa.Column("texto", sa.Text(), nullable=True),
        sa.Column("contenido", sa.JSON(), nullable=False),
        sa.Column("wamid", sa.String(length=200), nullable=True),
        sa.Column("estado", sa.String(length=20), nullable=False),
        sa.Column("autor", sa.String(length=150), nullable=False),
        sa.Column("intentos", sa.Integer(), nullable=False),
        sa.Column("proximo_intento_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ultimo_error", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("enviado_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["caso_id"], ["casos.id"], name=op.f("fk_mensajes_whatsapp_caso_id_casos")
        ),
        sa.ForeignKeyConstraint(
            ["conversacion_id"],
            ["conversaciones.id"],
            name=op.f("fk_mensajes_whatsapp_conversacion_id_conversaciones"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mensajes_whatsapp")),
    )
    op.create_index("ix_mensajes_whatsapp_caso_id", "mensajes_whatsapp", ["caso_id"])
    op.create_index(
        "ix_mensajes_whatsapp_cola", "mensajes_whatsapp", ["estado", "proximo_intento_at"]
    )
    op.create_index(
        "ix_mensajes_whatsapp_conversacion", "mensajes_whatsapp", ["conversacion_id", "id"]
    )
    op.create_index("ix_mensajes_whatsapp_wamid", "mensajes_whatsapp", ["wamid"])


def downgrade() -> None:
    op.drop_index("ix_mensajes_whatsapp_wamid", table_name="mensajes_whatsapp")
    op.drop_index("ix_mensajes_whatsapp_conversacion", table_name="mensajes_whatsapp")
    op.drop_index("ix_mensajes_whatsapp_cola", table_name="mensajes_whatsapp")
    op.drop_index("ix_mensajes_whatsapp_caso_id", table_name="mensajes_whatsapp")

    op.drop_table("mensajes_whatsapp")
    op.drop_index("ix_kapso_eventos_telefono", table_name="kapso_eventos")
    op.drop_index("ix_kapso_eventos_pendientes", table_name="kapso_eventos")

    op.drop_table("kapso_eventos")
    op.drop_table("conversaciones")
