"""Cases by who registered them, newest first: the bot looks up a phone's open case per message.

Without it, on a million cases SQLite scanned every open case for each inbound WhatsApp message
(13 s with a cold cache).

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-29
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_casos_registrado_por", "casos", ["registrado_por", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_casos_registrado_por", table_name="casos")
