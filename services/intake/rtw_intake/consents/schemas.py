"""API schemas for the worker's consents: what a therapist sends, and what the clinic reads."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic.config import JsonDict

from rtw_shared.schemas import InputModel

from ..cases.models import EVIDENCE_MAX_CHARS

ConsentName = Literal["share_restrictions_with_employer", "share_status_with_insurer"]


class ConsentDecisionIn(InputModel):
    granted: bool = Field(description="true: the worker gives this consent; false: the worker withdraws it")
    evidence: str | None = Field(
        default=None,
        min_length=1,
        max_length=EVIDENCE_MAX_CHARS,
        description='what the decision rests on, e.g. "signed form WD-12"',
    )


def _no_default(schema: JsonDict) -> None:
    schema.pop("default", None)  # left out means unchanged; null is not a value a client may send


class ConsentsUpdate(InputModel):
    """One or both consents; a consent left out stays as it is."""

    model_config = ConfigDict(json_schema_extra={"minProperties": 1})

    # Optional but never null: a consent left out is None here, a null sent is refused (422). The annotation
    # says what a client may send, which the None default is not (hence the ignores; decisions() reads these).
    share_restrictions_with_employer: ConsentDecisionIn = Field(default=None, json_schema_extra=_no_default)  # type: ignore[assignment]
    share_status_with_insurer: ConsentDecisionIn = Field(default=None, json_schema_extra=_no_default)  # type: ignore[assignment]

    @model_validator(mode="after")
    def at_least_one(self) -> ConsentsUpdate:
        if not self.decisions():
            raise ValueError("name at least one consent: share_restrictions_with_employer or share_status_with_insurer")
        return self

    def decisions(self) -> dict[str, ConsentDecisionIn]:
        """The consents this update names, by name."""
        return {name: value for name in type(self).model_fields if (value := getattr(self, name)) is not None}


class ConsentActor(BaseModel):
    subject: str
    username: str


class ConsentStateView(BaseModel):
    """Where one consent stands: granted or withdrawn, by whom, when, on what evidence."""

    granted: bool
    # Null only for a case whose history holds no record of this consent.
    changed_by: ConsentActor | None = None
    changed_at: datetime | None = None
    evidence: str | None = None


class ConsentChangeView(BaseModel):
    consent: ConsentName
    granted: bool
    changed_by: ConsentActor
    changed_at: datetime
    evidence: str | None = None


class CaseConsentsView(BaseModel):
    """GET/PUT /v1/cases/{id}/consents: each consent's current state and every change, oldest first."""

    case_id: uuid.UUID
    version: int
    share_restrictions_with_employer: ConsentStateView
    share_status_with_insurer: ConsentStateView
    history: list[ConsentChangeView]
