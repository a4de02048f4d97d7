"""Workplan's copy of a case, kept from intake's events (rtw_shared.case_copy: the newest snapshot
wins). It is the one place workplan reads who is involved in a case and what the worker consented
to share: every plan read and write is authorized against it (rtw_shared.access)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Integer, func
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from rtw_shared.case_copy import CaseCopyMixin

from ..db import Base

# Case statuses that end the work on a case: its open plans are cancelled.
ENDED_STATUSES = frozenset({"withdrawn", "closed"})


class CaseCopy(CaseCopyMixin, Base):
    __tablename__ = "cases"

    # When workplan first heard of the case (the mixin's updated_at: when the copy last changed).
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # What the job demands (`case.created`'s `job`: demands, usual hours): job match and the publication
    # checks compare with it. Null for a case announced before intake sent it.
    job: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    # The case's restrictions (`case.restrictions_changed`: the whole list, dates kept) and the intake
    # version of the snapshot that carried them (a late, older list changes nothing). A first draft starts
    # from them.
    restrictions: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONB)
    restrictions_version: Mapped[int | None] = mapped_column(Integer)
    # The latest assessment (`case.assessed`: the latest assessed_on, then the newest snapshot): the baseline
    # a first draft starts from — capacities, pain before treatment, COPM. Clinical: therapists' plans only.
    assessment: Mapped[dict[str, Any] | None] = mapped_column(JSONB)

    @property
    def job_demands(self) -> list[dict[str, Any]]:
        """The job's demands as intake sent them ([] when unknown)."""
        return list((self.job or {}).get("demands") or [])

    @property
    def ended(self) -> bool:
        """Whether the case was withdrawn or closed."""
        return self.status in ENDED_STATUSES
