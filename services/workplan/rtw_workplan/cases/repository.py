"""Every query workplan makes about its case copies."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from rtw_shared.events import CaseAssessedV1, CaseRestrictionsChangedV1

from .models import CaseCopy


def get(session: Session, case_id: uuid.UUID) -> CaseCopy | None:
    """The copy as the database has it now (re-read: a Core upsert may just have changed it)."""
    return session.get(CaseCopy, case_id, populate_existing=True)


def get_many(session: Session, case_ids: list[uuid.UUID]) -> list[CaseCopy]:
    """The copies of `case_ids` that exist, as the database has them now, in the order asked."""
    if not case_ids:
        return []
    query = select(CaseCopy).where(CaseCopy.case_id.in_(case_ids)).execution_options(populate_existing=True)
    found = {case.case_id: case for case in session.scalars(query)}
    return [found[case_id] for case_id in case_ids if case_id in found]


def keep_jobs(session: Session, jobs: dict[uuid.UUID, dict[str, Any]]) -> None:
    """Store what each case's job demands. A job never changes after intake, so whichever snapshot
    won, the `case.created` that carries it sets it (and a late or repeated one sets the same)."""
    if not jobs:
        return
    table = cast(Table, CaseCopy.__table__)  # a mapped class's table (typed as any FromClause)
    statement = update(table).where(table.c.case_id == bindparam("b_case_id")).values(job=bindparam("b_job"))
    session.execute(statement, [{"b_case_id": case_id, "b_job": job} for case_id, job in jobs.items()])


def keep_restrictions(case: CaseCopy, event: CaseRestrictionsChangedV1) -> bool:
    """The case's restrictions, when `event` carries a newer list than the copy holds (True: kept)."""
    version = event.case.version if event.case else 0
    if case.restrictions_version is not None and version <= case.restrictions_version:
        return False
    case.restrictions = [r.model_dump(mode="json") for r in event.restrictions]
    case.restrictions_version = version
    return True


def keep_assessment(case: CaseCopy, event: CaseAssessedV1) -> bool:
    """The assessment, when it is the case's latest (the latest day; on one day, the newest snapshot)."""
    version = event.case.version if event.case else 0
    if case.assessment is not None:
        held = (date.fromisoformat(case.assessment["assessed_on"]), case.assessment.get("case_version", 0))
        if (event.assessed_on, version) <= held:
            return False
    case.assessment = {
        "assessment_id": str(event.assessment_id),
        "assessed_on": event.assessed_on.isoformat(),
        "case_version": version,
        "pain_nrs": event.pain_nrs,
        "grip_kg_left": event.grip_kg_left,
        "grip_kg_right": event.grip_kg_right,
        "capacities": [c.model_dump(mode="json") for c in event.capacities],
        "copm": [c.model_dump(mode="json") for c in event.copm],
    }
    return True
