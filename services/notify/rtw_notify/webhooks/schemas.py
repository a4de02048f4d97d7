"""API schemas for webhook subscriptions and their deliveries. The secret exists in one read model
only — the answer to the request that created it (or rotated it)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from rtw_shared.schemas import InputModel
from rtw_shared.types import Timestamp

from .payloads import subscribable_types

# Every subscribable type of the catalogue, as an enum in the OpenAPI document (new types appear by themselves);
# a str to mypy, which cannot read a Literal built at run time.
if TYPE_CHECKING:
    EventType = str
else:
    EventType = Literal[tuple(subscribable_types())]
WebhookUrl = Annotated[str, Field(min_length=10, max_length=2000, pattern=r"^https?://[^\s]+$")]
OrgId = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
MAX_OVERLAP_SECONDS = 7 * 86_400


class WebhookCreate(InputModel):
    url: WebhookUrl
    events: Annotated[list[EventType], Field(min_length=1, max_length=len(subscribable_types()))]
    description: Annotated[str, Field(max_length=500)] = ""
    # For administrators only: whose subscription this is (insurers and employers subscribe their own).
    # An administrator's subscription is a proposal the organisation confirms.
    org_id: OrgId | None = None
    org_role: Literal["insurer", "employer"] | None = None


class SecretRotation(InputModel):
    # How long the previous secret still signs deliveries beside the new one (default: the service's setting).
    overlap_seconds: Annotated[int, Field(ge=0, le=MAX_OVERLAP_SECONDS)] | None = None


class ReplayRange(InputModel):
    """Send again every delivery of events that happened in [since, until)."""

    since: Annotated[Timestamp, Field(strict=False)]
    until: Annotated[Timestamp, Field(strict=False)]


class WebhookRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    org_id: str
    org_role: str
    url: str
    events: list[str]
    description: str
    status: Literal["active", "disabled", "proposed"] = Field(
        description="proposed: an administrator made it for the organisation; nothing is delivered to it "
        "until one of the organisation's people confirms it (POST …/confirm), which shows its secret"
    )
    created_by: str
    disabled_reason: str | None = None
    disabled_at: datetime | None = None
    previous_secret_expires_at: datetime | None = None
    version: int
    created_at: datetime
    updated_at: datetime


class WebhookWithSecret(WebhookRead):
    """The answer that shows the signing secret — the only one that ever does."""

    secret: str


class WebhookList(BaseModel):
    items: list[WebhookRead]
    next_cursor: str | None = None


class AttemptRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    attempted_at: datetime
    status_code: int | None = None
    latency_ms: float
    error: str | None = None


class DeliveryRead(BaseModel):
    id: uuid.UUID
    webhook_id: uuid.UUID
    webhook_message_id: str  # the `webhook-id` header: the event's id, the same on every attempt and replay
    event_type: str
    event_time: datetime
    case_id: uuid.UUID | None = None  # None when the caller may not (or no longer) see the case
    status: Literal["pending", "succeeded", "failed", "withheld"]
    attempts: int
    last_status_code: int | None = None
    last_latency_ms: float | None = None
    last_error: str | None = None
    next_attempt_at: datetime | None = None
    delivered_at: datetime | None = None
    attempt_log: list[AttemptRead]
    created_at: datetime
    updated_at: datetime


class DeliveryList(BaseModel):
    items: list[DeliveryRead]
    next_cursor: str | None = None


class ReplayResult(BaseModel):
    replayed: int
