"""API schemas for organisation contacts and a person's email preferences."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from rtw_shared.schemas import InputModel

from ..emails.kinds import EMAIL_KINDS

# An enum of the kinds in the OpenAPI document; a str to mypy, which cannot read a Literal built at run time.
if TYPE_CHECKING:
    EmailKind = str
else:
    EmailKind = Literal[tuple(EMAIL_KINDS)]


class ContactCreate(InputModel):
    email: Annotated[EmailStr, Field(max_length=320)]
    name: Annotated[str, Field(max_length=200)] = ""
    # For administrators only: whose contact this is (a proposal the organisation confirms).
    org_id: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")] | None = None


class ContactRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    org_id: str
    email: str
    name: str
    status: Literal["active", "proposed"] = Field(
        description="proposed: an administrator added it; it is not emailed until one of the organisation's "
        "people confirms it (POST /v1/contacts/{id}/confirm)"
    )
    version: int
    created_by: str
    created_at: datetime
    updated_at: datetime


class ContactList(BaseModel):
    items: list[ContactRead]
    next_cursor: str | None = None


class PreferencesUpdate(InputModel):
    # The kinds of email you do not want (the in-app notification is written either way).
    disabled_kinds: Annotated[list[EmailKind], Field(max_length=len(EMAIL_KINDS))]


class PreferencesRead(BaseModel):
    email: str | None
    disabled_kinds: list[str]
    available_kinds: dict[str, str] = Field(default_factory=lambda: dict(EMAIL_KINDS))
    version: int
