"""Builds the caller's view of a case: the role picks the read model, the worker's consents
decide what is shared (restrictions with the employer)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rtw_shared.auth import Principal

from .. import policy
from ..assessments.models import Assessment
from .models import Case
from .schemas import AssessmentSummary, CaseEmployerView, CaseInsurerView, CaseTherapistView


def render(session: Session, principal: Principal, case: Case):
    """The role's read model of `case` (the caller may see it: checked before)."""
    view = policy.view_model(principal)
    if view is CaseTherapistView:
        return CaseTherapistView.model_validate(case)
    if view is CaseEmployerView:
        shared = case.consents.get("share_restrictions_with_employer", False)
        return CaseEmployerView.model_validate({**_fields(case), "restrictions": case.restrictions if shared else []})
    return CaseInsurerView.model_validate({**_fields(case), "assessments": assessment_summary(session, case)})


def _fields(case: Case) -> dict:
    return {name: getattr(case, name) for name in (
        "id", "reference", "status", "worker", "claim", "employment", "employer_org_id", "restrictions",
        "created_at", "updated_at")}


def assessment_summary(session: Session, case: Case) -> AssessmentSummary:
    count = session.scalar(select(func.count()).select_from(Assessment).where(Assessment.case_id == case.id))
    latest = session.scalars(select(Assessment).where(Assessment.case_id == case.id)
                             .order_by(Assessment.assessed_on.desc(), Assessment.created_at.desc()).limit(1)).first()
    if latest is None:
        return AssessmentSummary()
    return AssessmentSummary(count=count, latest_date=latest.assessed_on, latest_pain_nrs=latest.pain_nrs,
                             latest_grip_kg_left=_num(latest.grip_kg_left),
                             latest_grip_kg_right=_num(latest.grip_kg_right))


def _num(value) -> float | None:
    return None if value is None else float(value)
