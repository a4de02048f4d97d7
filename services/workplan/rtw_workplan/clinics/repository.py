"""Every query about clinics' settings."""

from __future__ import annotations

from sqlalchemy.orm import Session

from .models import ClinicSettings


def get(session: Session, clinic_org_id: str, *, for_update: bool = False) -> ClinicSettings | None:
    """The clinic's row (None: it uses the defaults); `for_update` locks it for a change."""
    return session.get(ClinicSettings, clinic_org_id, with_for_update=for_update or None)


def add(session: Session, row: ClinicSettings) -> None:
    """A clinic's first own settings."""
    session.add(row)
