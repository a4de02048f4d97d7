"""Builds the caller's view of a case: the role picks the read model, the worker's consents
decide what is shared (restrictions with the employer)."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from rtw_shared.auth import Principal

from .. import policy
from ..assessments.models import Assessment
from .models import Case
from .schemas import AssessmentSummary, CaseEmployerView, CaseInsurerView, CaseTherapistView


def render(session: Session, principal: Principal, case: Case):
    """The role's read model of `case` (the caller may see it: checked before)."""
    return render_many(session, principal, [case])[0]


def render_many(session: Session, principal: Principal, cases: list[Case]) -> list:
    """The role's read models of `cases`, with one query for all their assessment summaries."""
    view = policy.view_model(principal)
    if view is CaseTherapistView:
        return [CaseTherapistView.model_validate(case) for case in cases]
    if view is CaseEmployerView:
        return [CaseEmployerView.model_validate({**_fields(case), "restrictions": _shared_restrictions(case)})
                for case in cases]
    summaries = assessment_summaries(session, [case.id for case in cases])
    return [CaseInsurerView.model_validate({**_fields(case),
                                            "assessments": summaries.get(case.id, AssessmentSummary())})
            for case in cases]


def _shared_restrictions(case: Case) -> list:
    return case.restrictions if case.consents.get("share_restrictions_with_employer", False) else []


def _fields(case: Case) -> dict:
    return {name: getattr(case, name) for name in (
        "id", "reference", "status", "worker", "claim", "employment", "employer_org_id", "restrictions",
        "created_at", "updated_at")}


def assessment_summaries(session: Session, case_ids: list[uuid.UUID]) -> dict[uuid.UUID, AssessmentSummary]:
    """Count and latest numbers of each case's assessments (cases without any are absent)."""
    if not case_ids:
        return {}
    newest_first = (Assessment.assessed_on.desc(), Assessment.created_at.desc())
    ranked = select(
        Assessment,
        func.count().over(partition_by=Assessment.case_id).label("count"),
        func.row_number().over(partition_by=Assessment.case_id, order_by=newest_first).label("rank"),
    ).where(Assessment.case_id.in_(case_ids)).subquery()
    latest = aliased(Assessment, ranked)
    rows = session.execute(select(latest, ranked.c.count).where(ranked.c.rank == 1)).all()
    return {a.case_id: AssessmentSummary(count=count, latest_date=a.assessed_on, latest_pain_nrs=a.pain_nrs,
                                         latest_grip_kg_left=_num(a.grip_kg_left),
                                         latest_grip_kg_right=_num(a.grip_kg_right))
            for a, count in rows}


def _num(value) -> float | None:
    return None if value is None else float(value)
