"""The queries intake's FHIR API adds: the directory's organisations by id, an assessment by id, and the
cases a caller may see that changed since a time (the insurer's export)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..cases.models import Assessment
from ..organisations.models import KINDS, Organisation


def organisations(session: Session, ids: Iterable[str]) -> list[Organisation]:
    """The directory's organisations with these ids (one per id: a clinic before an employer before an insurer)."""
    wanted = sorted(set(ids))
    if not wanted:
        return []
    rows = session.scalars(select(Organisation).where(Organisation.id.in_(wanted)))
    first: dict[str, Organisation] = {}
    for row in sorted(rows, key=lambda r: (r.id, KINDS.index(r.kind))):
        first.setdefault(row.id, row)
    return [first[i] for i in wanted if i in first]


def assessment(session: Session, assessment_id: uuid.UUID) -> Assessment | None:
    """One assessment by id."""
    return session.get(Assessment, assessment_id)
