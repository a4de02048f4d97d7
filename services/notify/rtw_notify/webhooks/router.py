"""HTTP endpoints for webhook subscriptions: thin — parse, call the service (which applies the policy), shape."""

from __future__ import annotations

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response

from rtw_shared.auth import Principal, require_role
from rtw_shared.concurrency import IfMatch, set_etag
from rtw_shared.web import UowDep

from ..policy import MANAGING_ROLES
from . import service
from .models import PROPOSED
from .schemas import (
    DeliveryList,
    DeliveryRead,
    ReplayRange,
    ReplayResult,
    SecretRotation,
    WebhookCreate,
    WebhookList,
    WebhookRead,
    WebhookWithSecret,
)

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])
Manager = Annotated[Principal, Depends(require_role(*MANAGING_ROLES))]
Cursor = Annotated[str | None, Query(max_length=200)]
Limit = Annotated[int, Query(ge=1, le=200)]
OrgFilter = Annotated[str | None, Query(max_length=64, description="Administrators: one organisation's only")]


@router.post("", status_code=201, response_model=WebhookWithSecret | WebhookRead)
def create_webhook(
    body: WebhookCreate, principal: Manager, uow: UowDep, request: Request, response: Response
) -> WebhookWithSecret | WebhookRead:
    """Subscribe your organisation to events; the answer shows the signing secret, once. An administrator
    names the organisation and only proposes: no secret, nothing delivered until the organisation confirms."""
    webhook = service.create(uow=uow, principal=principal, body=body, settings=request.app.state.settings)
    set_etag(response, webhook.version)
    if webhook.status == PROPOSED:
        return WebhookRead.model_validate(webhook)
    return WebhookWithSecret.model_validate(webhook)


@router.post("/{webhook_id}/confirm", response_model=WebhookWithSecret)
def confirm_webhook(
    webhook_id: uuid.UUID,
    principal: Manager,
    uow: UowDep,
    request: Request,
    response: Response,
    if_match: IfMatch = None,
) -> WebhookWithSecret:
    """Take on a subscription an administrator proposed for your organisation: it becomes active, and the
    answer shows its signing secret, once (administrators: 403)."""
    webhook = service.confirm(
        uow=uow, principal=principal, webhook_id=webhook_id, if_match=if_match, settings=request.app.state.settings
    )
    set_etag(response, webhook.version)
    return WebhookWithSecret.model_validate(webhook)


@router.get("", response_model=WebhookList)
def list_webhooks(
    principal: Manager, uow: UowDep, org_id: OrgFilter = None, cursor: Cursor = None, limit: Limit = 50
) -> WebhookList:
    """Your organisation's subscriptions (administrators: every organisation's), oldest first."""
    rows, next_cursor = service.list_webhooks(uow=uow, principal=principal, org_id=org_id, cursor=cursor, limit=limit)
    return WebhookList(items=[WebhookRead.model_validate(w) for w in rows], next_cursor=next_cursor)


@router.get("/{webhook_id}", response_model=WebhookRead)
def get_webhook(webhook_id: uuid.UUID, principal: Manager, uow: UowDep, response: Response) -> WebhookRead:
    """One subscription (without its secret)."""
    webhook = service.get(uow=uow, principal=principal, webhook_id=webhook_id)
    set_etag(response, webhook.version)
    return WebhookRead.model_validate(webhook)


@router.delete("/{webhook_id}", status_code=204)
def delete_webhook(webhook_id: uuid.UUID, principal: Manager, uow: UowDep, if_match: IfMatch = None) -> Response:
    """Unsubscribe; the deliveries log is kept."""
    service.delete(uow=uow, principal=principal, webhook_id=webhook_id, if_match=if_match)
    return Response(status_code=204)


@router.post("/{webhook_id}/rotate-secret", response_model=WebhookWithSecret)
def rotate_webhook_secret(
    webhook_id: uuid.UUID,
    principal: Manager,
    uow: UowDep,
    request: Request,
    response: Response,
    body: SecretRotation | None = None,
    if_match: IfMatch = None,
) -> WebhookWithSecret:
    """A new signing secret (shown once); the previous one also signs until `previous_secret_expires_at`."""
    webhook = service.rotate_secret(
        uow=uow,
        principal=principal,
        webhook_id=webhook_id,
        body=body or SecretRotation(),
        if_match=if_match,
        settings=request.app.state.settings,
    )
    set_etag(response, webhook.version)
    return WebhookWithSecret.model_validate(webhook)


@router.post("/{webhook_id}/enable", response_model=WebhookRead)
def enable_webhook(
    webhook_id: uuid.UUID,
    principal: Manager,
    uow: UowDep,
    request: Request,
    response: Response,
    if_match: IfMatch = None,
) -> WebhookRead:
    """Deliver again to a subscription that was disabled after repeated failure."""
    webhook = service.enable(
        uow=uow, principal=principal, webhook_id=webhook_id, if_match=if_match, settings=request.app.state.settings
    )
    set_etag(response, webhook.version)
    return WebhookRead.model_validate(webhook)


@router.get("/{webhook_id}/deliveries", response_model=DeliveryList)
def list_webhook_deliveries(
    webhook_id: uuid.UUID,
    principal: Manager,
    uow: UowDep,
    status: Literal["pending", "succeeded", "failed", "withheld"] | None = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> DeliveryList:
    """Every delivery to the subscription, newest first: status, attempts, response code, latency."""
    items, next_cursor = service.list_deliveries(
        uow=uow, principal=principal, webhook_id=webhook_id, status=status, cursor=cursor, limit=limit
    )
    return DeliveryList(items=items, next_cursor=next_cursor)


@router.post("/{webhook_id}/deliveries/{delivery_id}/replay", status_code=202, response_model=DeliveryRead)
def replay_webhook_delivery(
    webhook_id: uuid.UUID, delivery_id: uuid.UUID, principal: Manager, uow: UowDep
) -> DeliveryRead:
    """Send one delivery again, with the same `webhook-id`."""
    return service.replay_one(uow=uow, principal=principal, webhook_id=webhook_id, delivery_id=delivery_id)


@router.post("/{webhook_id}/replay", status_code=202, response_model=ReplayResult)
def replay_webhook_range(webhook_id: uuid.UUID, body: ReplayRange, principal: Manager, uow: UowDep) -> ReplayResult:
    """Send again every delivery of events that happened in [since, until), each with its `webhook-id`."""
    return ReplayResult(replayed=service.replay_range(uow=uow, principal=principal, webhook_id=webhook_id, body=body))
