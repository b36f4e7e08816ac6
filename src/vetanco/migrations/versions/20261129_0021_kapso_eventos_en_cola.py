"""WhatsApp inbox: the bot's claim reads indexes that hold only unprocessed events.

The claim takes the oldest unprocessed event whose phone has no older one pending. Over the full
(processed_at, id) index, and once statistics counted many processed rows, PostgreSQL walked the
primary key from the oldest event ever received and filtered every processed one: 10 ms per
claim with 100 000 events behind (linear in the inbox's history), paid once per bot turn.
Partial indexes in claim order answer it from the pending rows alone (0.1 ms), whatever the
statistics say.

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

EN_COLA = "processed_at IS NULL"
TABLE = "kapso_eventos"


def _partial(name: str, columns: list[str]) -> None:
    op.create_index(
        name, TABLE, columns, sqlite_where=sa.text(EN_COLA), postgresql_where=sa.text(EN_COLA)
    )


def upgrade() -> None:
    _partial("ix_kapso_eventos_en_cola", ["id"])
    _partial("ix_kapso_eventos_telefono_en_cola", ["telefono", "id"])
    op.drop_index("ix_kapso_eventos_pendientes", table_name=TABLE)
    op.drop_index("ix_kapso_eventos_telefono", table_name=TABLE)


def downgrade() -> None:
    op.create_index("ix_kapso_eventos_telefono", TABLE, ["telefono"])
    op.create_index("ix_kapso_eventos_pendientes", TABLE, ["processed_at", "id"])
    op.drop_index("ix_kapso_eventos_telefono_en_cola", table_name=TABLE)
    op.drop_index("ix_kapso_eventos_en_cola", table_name=TABLE)
