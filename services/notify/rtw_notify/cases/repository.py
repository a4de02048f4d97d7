"""Every query notify makes about its case copies."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from rtw_shared.case_copy import upsert_case_copy
from rtw_shared.events import CaseSnapshot

from .models import CaseCopy


def own_columns(snapshot: CaseSnapshot) -> dict[str, object]:
    """Notify's own columns of the copy, from the same snapshot: how to reach the therapist, the claim number."""
    return {"therapist_email": snapshot.therapist_email, "claim_number": snapshot.claim_number}


def get(session: Session, case_id: uuid.UUID) -> CaseCopy | None:
    """The copy of case `case_id`, or None when no intake event of it has been applied here."""
    return session.get(CaseCopy, case_id)


def keep_snapshot(session: Session, case_id: uuid.UUID, snapshot: CaseSnapshot) -> CaseCopy:
    """Apply `snapshot` (ignored when the copy is newer) and return the copy as it now stands."""
    upsert_case_copy(session, CaseCopy, case_id, snapshot, **own_columns(snapshot))
    # The upsert bypassed the identity map: reload, so callers see the newest copy, not a stale object.
    return session.get_one(CaseCopy, case_id, populate_existing=True)
