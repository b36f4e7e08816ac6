"""Webhooks: the claim's two indexes hold only pending deliveries.

The claim takes the next due deliveries whose older siblings (same endpoint and case) are not
pending. Over full indexes, and once the driver prepared it (a generic plan), the planner
trusted "few pending rows" whenever statistics said so (a fresh table, or statistics taken
before a receiver outage) and checked every pending row against every other: 1.1 s per claim
with 3 000 queued, quadratic beyond. Partial indexes in claim order answer it in O(batch)
whatever the statistics say (0.3 ms with 5 000 queued and none).

Revision ID: 0017
Revises: 0016
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDIENTE = "estado = 'pendiente'"
TABLE = "webhook_deliveries"


def _partial(name: str, columns: list[str]) -> None:
    op.create_index(
        name,
        TABLE,
        columns,
        sqlite_where=sa.text(PENDIENTE),
        postgresql_where=sa.text(PENDIENTE),
    )


def upgrade() -> None:
    _partial("ix_webhook_deliveries_vencen", ["next_attempt_at", "id"])
    _partial("ix_webhook_deliveries_pendientes", ["endpoint_id", "ordering_key", "id"])
    op.drop_index("ix_webhook_deliveries_due", table_name=TABLE)
    op.drop_index("ix_webhook_deliveries_order", table_name=TABLE)


def downgrade() -> None:
    op.create_index("ix_webhook_deliveries_order", TABLE, ["endpoint_id", "ordering_key", "id"])
    op.create_index("ix_webhook_deliveries_due", TABLE, ["estado", "next_attempt_at"])
    op.drop_index("ix_webhook_deliveries_pendientes", table_name=TABLE)
    op.drop_index("ix_webhook_deliveries_vencen", table_name=TABLE)
