"""Webhook use cases for the API. Each takes a Unit of Work and commits it at most once."""

from __future__ import annotations

import uuid
from datetime import timedelta

from rtw_shared import access
from rtw_shared.auth import Principal
from rtw_shared.concurrency import check_if_match
from rtw_shared.errors import ConflictError, NotFoundError, UnprocessableError
from rtw_shared.pagination import decode_cursor, page
from rtw_shared.uow import UnitOfWork

from .. import policy
from ..cases import repository as cases
from ..settings import NotifySettings
from . import repository, safety, signing
from .models import ACTIVE, DISABLED, PENDING, PROPOSED, Webhook, WebhookAttempt, WebhookDelivery
from .schemas import AttemptRead, DeliveryRead, ReplayRange, SecretRotation, WebhookCreate
from .sender import rules_of


def create(*, uow: UnitOfWork, principal: Principal, body: WebhookCreate, settings: NotifySettings) -> Webhook:
    """Subscribe an organisation (an administrator: propose it); the answer to the organisation
    carries the new secret (its only appearance)."""
    org_id, role = policy.managed_org(principal, body.org_id, body.org_role)
    _check_destination(body.url, settings)
    webhook = Webhook(
        org_id=org_id,
        org_role=role,
        url=body.url,
        events=sorted(set(body.events)),
        description=body.description,
        secret=signing.new_secret(),
        status=PROPOSED if policy.only_proposes(principal) else ACTIVE,
        created_by=principal.username,
        version=1,
    )
    repository.add_webhook(uow.session, webhook)
    uow.commit()
    return webhook


def confirm(
    *, uow: UnitOfWork, principal: Principal, webhook_id: uuid.UUID, if_match: str | None, settings: NotifySettings
) -> Webhook:
    """The organisation takes on a subscription an administrator proposed: it becomes active, with a
    new secret that only the confirming person is shown."""
    webhook = get(uow=uow, principal=principal, webhook_id=webhook_id, for_update=True)
    policy.require_member(principal, webhook.org_id, webhook.org_role, what="confirm their subscriptions")
    check_if_match(if_match, webhook.version, what=f"webhook {webhook_id}")
    if webhook.status != PROPOSED:
        raise ConflictError(f"webhook {webhook_id} is {webhook.status}, not waiting for confirmation")
    _check_destination(webhook.url, settings)
    webhook.status, webhook.secret = ACTIVE, signing.new_secret()
    return _saved(uow, webhook)


def _check_destination(url: str, settings: NotifySettings) -> None:
    try:
        safety.check_destination(url, rules_of(settings))
    except safety.UnsafeUrlError as refused:
        raise UnprocessableError(str(refused), field="url") from refused


def get(*, uow: UnitOfWork, principal: Principal, webhook_id: uuid.UUID, for_update: bool = False) -> Webhook:
    """One subscription the caller manages; 404 for anyone else's."""
    webhook = repository.get_webhook(uow.session, webhook_id, for_update=for_update)
    if webhook is None or not policy.manages(principal, webhook.org_id):
        raise NotFoundError(f"webhook {webhook_id} not found")
    return webhook


def list_webhooks(
    *, uow: UnitOfWork, principal: Principal, org_id: str | None, cursor: str | None, limit: int
) -> tuple[list[Webhook], str | None]:
    """The caller's organisation's subscriptions (an administrator: anyone's), oldest first."""
    rows = repository.list_webhooks(
        uow.session, org_id=policy.listed_org(principal, org_id), after=decode_cursor(cursor), limit=limit + 1
    )
    return page(rows, limit, key=lambda w: (w.created_at, w.id))


def delete(*, uow: UnitOfWork, principal: Principal, webhook_id: uuid.UUID, if_match: str | None) -> None:
    """Unsubscribe: nothing more is delivered; the deliveries log is kept."""
    webhook = get(uow=uow, principal=principal, webhook_id=webhook_id, for_update=True)
    check_if_match(if_match, webhook.version, what=f"webhook {webhook_id}")
    webhook.deleted_at, webhook.version = uow.now(), webhook.version + 1
    uow.commit()


def rotate_secret(
    *,
    uow: UnitOfWork,
    principal: Principal,
    webhook_id: uuid.UUID,
    body: SecretRotation,
    if_match: str | None,
    settings: NotifySettings,
) -> Webhook:
    """A new secret; the previous one keeps signing beside it for the overlap, so receivers can switch.
    Only the organisation's own people: whoever holds the secret can sign deliveries to its receiver."""
    webhook = get(uow=uow, principal=principal, webhook_id=webhook_id, for_update=True)
    policy.require_member(principal, webhook.org_id, webhook.org_role, what="rotate their subscriptions' secrets")
    check_if_match(if_match, webhook.version, what=f"webhook {webhook_id}")
    overlap = settings.webhook_secret_overlap_seconds if body.overlap_seconds is None else body.overlap_seconds
    webhook.previous_secret = webhook.secret
    webhook.previous_secret_expires_at = uow.now() + timedelta(seconds=overlap)
    webhook.secret = signing.new_secret()
    return _saved(uow, webhook)


def enable(
    *, uow: UnitOfWork, principal: Principal, webhook_id: uuid.UUID, if_match: str | None, settings: NotifySettings
) -> Webhook:
    """Deliver again to a disabled subscription (what waited is sent; replay what failed)."""
    webhook = get(uow=uow, principal=principal, webhook_id=webhook_id, for_update=True)
    check_if_match(if_match, webhook.version, what=f"webhook {webhook_id}")
    if webhook.status == DISABLED:
        _check_destination(webhook.url, settings)
        webhook.status, webhook.disabled_reason, webhook.disabled_at = ACTIVE, None, None
    return _saved(uow, webhook)


def _saved(uow: UnitOfWork, webhook: Webhook) -> Webhook:
    webhook.version += 1
    uow.session.flush()
    uow.session.refresh(webhook)
    uow.commit()
    return webhook


def list_deliveries(
    *,
    uow: UnitOfWork,
    principal: Principal,
    webhook_id: uuid.UUID,
    status: str | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[DeliveryRead], str | None]:
    """A subscription's deliveries, newest first, each with its attempts log."""
    get(uow=uow, principal=principal, webhook_id=webhook_id)
    rows = repository.list_deliveries(
        uow.session, webhook_id=webhook_id, status=status, after=decode_cursor(cursor), limit=limit + 1
    )
    shown, next_cursor = page(rows, limit, key=lambda d: (d.created_at, d.id))
    attempts = repository.attempts_of(uow.session, [d.id for d in shown])
    return [_view(uow, principal, d, attempts[d.id]) for d in shown], next_cursor


def _view(uow: UnitOfWork, principal: Principal, row: WebhookDelivery, attempts: list[WebhookAttempt]) -> DeliveryRead:
    # The case id only while the caller may see the case (an administrator reads no case data).
    case = cases.get(uow.session, row.case_id)
    return DeliveryRead(
        id=row.id,
        webhook_id=row.webhook_id,
        webhook_message_id=str(row.event_id),
        event_type=row.event_type,
        event_time=row.event_time,
        case_id=row.case_id if access.visible(principal, case) else None,
        status=row.status,
        attempts=row.attempts,
        last_status_code=row.last_status_code,
        last_latency_ms=row.last_latency_ms,
        last_error=row.last_error,
        next_attempt_at=row.next_attempt_at if row.status == PENDING else None,
        delivered_at=row.delivered_at,
        attempt_log=[AttemptRead.model_validate(a) for a in attempts],
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def replay_one(*, uow: UnitOfWork, principal: Principal, webhook_id: uuid.UUID, delivery_id: uuid.UUID) -> DeliveryRead:
    """Send one delivery again (same `webhook-id`), whatever became of it."""
    get(uow=uow, principal=principal, webhook_id=webhook_id)
    row = repository.get_delivery(uow.session, webhook_id, delivery_id, for_update=True)
    if row is None:
        raise NotFoundError(f"delivery {delivery_id} not found")
    row.status, row.attempts, row.next_attempt_at = PENDING, 0, uow.now()
    uow.session.flush()
    uow.session.refresh(row)
    view = _view(uow, principal, row, repository.attempts_of(uow.session, [row.id])[row.id])
    uow.commit()
    return view


def replay_range(*, uow: UnitOfWork, principal: Principal, webhook_id: uuid.UUID, body: ReplayRange) -> int:
    """Send again every delivery of events that happened in [since, until); how many."""
    if body.until <= body.since:
        raise UnprocessableError("until: must be later than since", field="until")
    get(uow=uow, principal=principal, webhook_id=webhook_id)
    count = repository.replay_range(uow.session, webhook_id, body.since, body.until, uow.now())
    uow.commit()
    return count
