"""Webhook queries, including the claim of due deliveries (SKIP LOCKED on PostgreSQL)."""

from __future__ import annotations

import uuid
from datetime import datetime
from functools import cache

from sqlalchemy import Select, String, bindparam, exists, func, literal_column, or_, select, update
from sqlalchemy.orm import Session, aliased, lazyload
from sqlalchemy.sql.elements import BindParameter

from vetanco.webhooks.models import OutboxEvent, WebhookDelivery, WebhookEndpoint

# Written into the SQL, not bound: the driver prepares the claim after a few runs, and only a
# literal lets that generic plan use the partial indexes on pending rows (0017).
PENDIENTE = literal_column("'pendiente'", String)


def endpoints(session: Session, *, enabled_only: bool = False) -> list[WebhookEndpoint]:
    stmt = select(WebhookEndpoint).order_by(WebhookEndpoint.created_at)
    if enabled_only:
        stmt = stmt.where(WebhookEndpoint.enabled.is_(True))
    return list(session.scalars(stmt))


def endpoint(session: Session, endpoint_id: uuid.UUID) -> WebhookEndpoint | None:
    return session.get(WebhookEndpoint, endpoint_id)


def delivery(session: Session, *, endpoint_id: uuid.UUID, public_id: str) -> WebhookDelivery | None:
    stmt = select(WebhookDelivery).where(
        WebhookDelivery.endpoint_id == endpoint_id, WebhookDelivery.public_id == public_id
    )
    return session.scalars(stmt).first()


def deliveries(
    session: Session, *, endpoint_id: uuid.UUID, estado: str | None, offset: int, limit: int
) -> tuple[list[WebhookDelivery], int]:
    stmt = select(WebhookDelivery).where(WebhookDelivery.endpoint_id == endpoint_id)
    if estado:
        stmt = stmt.where(WebhookDelivery.estado == estado)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(WebhookDelivery.id.desc()).offset(offset).limit(limit))
    return list(rows.unique()), total


def events_since(session: Session, *, desde: datetime) -> list[OutboxEvent]:
    stmt = (
        select(OutboxEvent).where(OutboxEvent.created_at >= desde).order_by(OutboxEvent.created_at)
    )
    return list(session.scalars(stmt))


def deliveries_for_events(
    session: Session, *, endpoint_id: uuid.UUID, event_ids: list[uuid.UUID]
) -> dict[uuid.UUID, WebhookDelivery]:
    if not event_ids:
        return {}
    stmt = select(WebhookDelivery).where(
        WebhookDelivery.endpoint_id == endpoint_id, WebhookDelivery.event_id.in_(event_ids)
    )
    return {d.event_id: d for d in session.scalars(stmt).unique()}


@cache
def _claim_due() -> Select[WebhookDelivery]:
    """Built once, on first use: the worker asks every cycle, and building cost ~15× running it."""
    older = aliased(WebhookDelivery)
    # OFFSET 0 keeps this a per-row probe of the partial index: as an anti-join, a planner
    # without statistics (fresh table, burst after an outage) compared every pending row with
    # every other one, 1.1 s per claim with 3 000 queued (migration 0017)
    blocked_by_older = exists(
        select(older.id)
        .where(
            older.endpoint_id == WebhookDelivery.endpoint_id,
            older.ordering_key == WebhookDelivery.ordering_key,
            older.estado == PENDIENTE,
            older.id < WebhookDelivery.id,
        )
        .offset(0)
    )
    now: BindParameter[datetime] = bindparam("now")
    return (
        select(WebhookDelivery)
        .options(lazyload(WebhookDelivery.attempts))
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .where(
            WebhookDelivery.estado == PENDIENTE,
            WebhookDelivery.next_attempt_at <= now,
            or_(WebhookDelivery.lease_until.is_(None), WebhookDelivery.lease_until < now),
            WebhookEndpoint.enabled.is_(True),
            ~blocked_by_older,
        )
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(bindparam("limit"))
        .with_for_update(of=WebhookDelivery, skip_locked=True)
    )


def claim_due(
    session: Session, *, now: datetime, lease_until: datetime, limit: int
) -> list[WebhookDelivery]:
    """Due deliveries whose earlier siblings (same endpoint and case) are done, leased to us."""
    stmt = _claim_due()
    rows = list(session.scalars(stmt, {"now": now, "limit": limit}).unique())
    if rows:
        session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.id.in_([d.id for d in rows]))
            .values(lease_until=lease_until)
        )
    return rows


def endpoints_by_id(session: Session, ids: set[uuid.UUID]) -> dict[uuid.UUID, WebhookEndpoint]:
    if not ids:
        return {}
    return {
        e.id: e for e in session.scalars(select(WebhookEndpoint).where(WebhookEndpoint.id.in_(ids)))
    }


def lock_deliveries(session: Session, ids: list[int]) -> dict[int, WebhookDelivery]:
    stmt = (
        select(WebhookDelivery)
        .options(lazyload(WebhookDelivery.event), lazyload(WebhookDelivery.attempts))
        .where(WebhookDelivery.id.in_(ids))
        .with_for_update(of=WebhookDelivery)
    )
    return {d.id: d for d in session.scalars(stmt)}
