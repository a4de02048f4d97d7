"""Notify's copy of a case: who is involved, how to reach the therapist, and the worker's consents
(the read paths decide on them through rtw_shared.access). Built from intake's events by the one
shared upsert (rtw_shared.case_copy) — notify never asks intake."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from rtw_shared.case_copy import CaseCopyMixin

from ..db import Base


class CaseCopy(CaseCopyMixin, Base):
    __tablename__ = "cases"

    # Only the therapist is reached by email; organisations are addressed in-app by role.
    therapist_email: Mapped[str | None] = mapped_column(String(320))
    # The insurer's own key for the claim: its webhooks and emails carry it (the role view gives it to
    # the insurer and the therapist, never to the employer). Null until a snapshot carries it.
    claim_number: Mapped[str | None] = mapped_column(String(64))
