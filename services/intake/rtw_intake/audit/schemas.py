"""API schemas for the audit log."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict


class AuditEntryView(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    subject: str | None
    username: str | None
    role: str | None
    org_id: str | None
    action: str
    method: str
    path: str
    resource_type: str
    resource_id: str | None
    outcome: str
    status_code: int
    prev_hash: str
    hash: str


class AuditPage(BaseModel):
    items: list[AuditEntryView]
    next_cursor: str | None = None


class ChainReport(BaseModel):
    """The result of checking the whole hash chain."""

    intact: bool
    rows: int
    first_broken_id: int | None = None
    reason: str | None = None
