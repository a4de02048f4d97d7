"""Every query notify makes about webhooks, their deliveries and the attempts log."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, and_, or_, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from .models import ACTIVE, PENDING, Webhook, WebhookAttempt, WebhookDelivery


def _live() -> ColumnElement[bool]:
    return Webhook.deleted_at.is_(None)


def anyone_subscribed(session: Session, event_type: str) -> bool:
    """Whether any active subscription wants `event_type` (cheap: most events have none)."""
    query = select(Webhook.id).where(_live(), Webhook.status == ACTIVE, Webhook.events.contains([event_type]))
    return session.execute(query.limit(1)).first() is not None


def subscribed(session: Session, event_type: str, parties: Iterable[tuple[str, str]]) -> list[Webhook]:
    """Active subscriptions to `event_type` of the (organisation, role) pairs `parties`."""
    pairs = [and_(Webhook.org_id == org, Webhook.org_role == role) for org, role in parties]
    if not pairs:
        return []
    query = select(Webhook).where(_live(), Webhook.status == ACTIVE, Webhook.events.contains([event_type]), or_(*pairs))
    return list(session.scalars(query.order_by(Webhook.created_at)))


def add_delivery(session: Session, values: dict[str, Any]) -> None:
    """Record one delivery; nothing when this webhook already has this event (a redelivered event)."""
    session.execute(pg_insert(WebhookDelivery).values(**values).on_conflict_do_nothing())


def get_webhook(session: Session, webhook_id: uuid.UUID, *, for_update: bool = False) -> Webhook | None:
    """The subscription, unless deleted."""
    webhook = session.get(Webhook, webhook_id, with_for_update=for_update)
    return webhook if webhook is not None and webhook.deleted_at is None else None


def add_webhook(session: Session, webhook: Webhook) -> Webhook:
    session.add(webhook)
    session.flush()
    session.refresh(webhook)
    return webhook


def list_webhooks(
    session: Session, *, org_id: str | None, after: tuple[datetime, uuid.UUID] | None, limit: int
) -> list[Webhook]:
    """Live subscriptions of `org_id` (None: all), oldest first, keyset-paginated."""
    query = select(Webhook).where(_live())
    if org_id is not None:
        query = query.where(Webhook.org_id == org_id)
    if after:
        query = query.where(tuple_(Webhook.created_at, Webhook.id) > tuple_(*after))
    return list(session.scalars(query.order_by(Webhook.created_at, Webhook.id).limit(limit)))


def claim_due(session: Session, now: datetime, *, limit: int) -> list[WebhookDelivery]:
    """Lock up to `limit` pending deliveries due at `now`; rows another sender holds are skipped."""
    # Deliveries of a disabled subscription wait, pending, until it is enabled again.
    query = (
        select(WebhookDelivery)
        .join(Webhook, Webhook.id == WebhookDelivery.webhook_id)
        .where(WebhookDelivery.status == PENDING, WebhookDelivery.next_attempt_at <= now)
        .where(Webhook.status == ACTIVE, _live())
        .order_by(WebhookDelivery.next_attempt_at)
        .limit(limit)
        .with_for_update(of=WebhookDelivery, skip_locked=True)
    )
    return list(session.scalars(query))


def add_attempt(session: Session, attempt: WebhookAttempt) -> None:
    session.add(attempt)


def list_deliveries(
    session: Session,
    *,
    webhook_id: uuid.UUID,
    status: str | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[WebhookDelivery]:
    """A subscription's deliveries, newest first, keyset-paginated."""
    query = select(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook_id)
    if status:
        query = query.where(WebhookDelivery.status == status)
    if after:
        query = query.where(tuple_(WebhookDelivery.created_at, WebhookDelivery.id) < tuple_(*after))
    order = (WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
    return list(session.scalars(query.order_by(*order).limit(limit)))


def attempts_of(session: Session, delivery_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[WebhookAttempt]]:
    """The attempts log of each delivery, oldest first."""
    found: dict[uuid.UUID, list[WebhookAttempt]] = {i: [] for i in delivery_ids}
    if delivery_ids:
        query = select(WebhookAttempt).where(WebhookAttempt.delivery_id.in_(delivery_ids)).order_by(WebhookAttempt.id)
        for attempt in session.scalars(query):
            found[attempt.delivery_id].append(attempt)
    return found


def get_delivery(
    session: Session, webhook_id: uuid.UUID, delivery_id: uuid.UUID, *, for_update: bool = False
) -> WebhookDelivery | None:
    delivery = session.get(WebhookDelivery, delivery_id, with_for_update=for_update)
    return delivery if delivery is not None and delivery.webhook_id == webhook_id else None


def replay_range(session: Session, webhook_id: uuid.UUID, since: datetime, until: datetime, now: datetime) -> int:
    """Send again every delivery of events that happened in [since, until); how many."""
    statement = (
        update(WebhookDelivery)
        .where(
            WebhookDelivery.webhook_id == webhook_id,
            WebhookDelivery.event_time >= since,
            WebhookDelivery.event_time < until,
        )
        .values(status=PENDING, next_attempt_at=now, attempts=0)
    )
    # An UPDATE answers a CursorResult (Session.execute is typed for every kind of statement).
    result = cast(CursorResult[Any], session.execute(statement))
    return result.rowcount or 0
