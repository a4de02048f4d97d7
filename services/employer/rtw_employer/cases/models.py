"""Employer's copy of a case, kept from intake's events (rtw_shared.case_copy: the newest snapshot
wins): who is involved, what the worker consented to share, and — only while the worker consents
to share restrictions with the employer — the worker's name and job title. Never written through
the API; every read of a request is authorized against it (rtw_shared.access, docs/domain/access.md)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String, func
from sqlalchemy.orm import Mapped, mapped_column

from rtw_shared.case_copy import CaseCopyMixin

from ..db import Base

# Case statuses that end the work on a case: its open accommodation requests are withdrawn.
ENDED_STATUSES = frozenset({"withdrawn", "closed"})


class CaseCopy(CaseCopyMixin, Base):
    __tablename__ = "case_copies"

    # Nullable here, unlike the mixin: copies made before intake's events carried a snapshot may
    # lack them (a `case.shared_with_employer` that came alone has case_version 0 and only the
    # employer; no old copy knows the therapist). The next snapshot of the case fills them in.
    # The mixin (rtw_shared) types them str, as every other service's copy has them: widening them
    # here is the truth of this table, which mypy cannot accept as an override without the ignores.
    reference: Mapped[str | None] = mapped_column(String(32))  # type: ignore[assignment]
    status: Mapped[str | None] = mapped_column(String(32))  # type: ignore[assignment]
    clinic_org_id: Mapped[str | None] = mapped_column(String(64), index=True)  # type: ignore[assignment]
    employer_org_id: Mapped[str | None] = mapped_column(String(64), index=True)  # type: ignore[assignment]
    insurer_org_id: Mapped[str | None] = mapped_column(String(64), index=True)  # type: ignore[assignment]
    therapist_id: Mapped[str | None] = mapped_column(String(64))  # type: ignore[assignment]

    # Set only while the newest snapshot says the worker shares restrictions with the employer.
    worker_name: Mapped[str | None] = mapped_column(String(255))
    job_title: Mapped[str | None] = mapped_column(String(255))
    # When employer first heard of the case (the mixin's updated_at: when the copy last changed).
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    @property
    def ended(self) -> bool:
        """Whether the case was withdrawn or closed."""
        return self.status in ENDED_STATUSES

    @property
    def ended_as(self) -> str | None:
        """The status the case ended with (`withdrawn` or `closed`); None while it is open."""
        return self.status if self.status in ENDED_STATUSES else None
