"""Builds the caller's view of a case: the role picks the read model, the caller's role view
(rtw_shared.role_view, on rtw_shared.access) decides which fields the worker's consents let through."""

from __future__ import annotations

import uuid
from decimal import Decimal

from rtw_shared import access
from rtw_shared.auth import Principal
from rtw_shared.role_view import Field, role_view
from rtw_shared.uow import UnitOfWork

from . import repository
from .models import Case
from .schemas import AssessmentSummary, CaseEmployerView, CaseInsurerView, CaseTherapistView, CaseView

# One read model per role that reads cases (policy.require_case_reader: the others get 403).
VIEW_FOR_ROLE: dict[str, type[CaseView]] = {
    "therapist": CaseTherapistView,
    "employer": CaseEmployerView,
    "insurer": CaseInsurerView,
}
COMMON_FIELDS = ("id", "reference", "status", "created_at", "updated_at")


def view_model(principal: Principal) -> type[CaseView] | None:
    """The read model of a case for the caller's role (None: the role reads no cases)."""
    role = access.reading_role(principal)
    return VIEW_FOR_ROLE.get(role) if role else None


def render(uow: UnitOfWork, principal: Principal, case: Case) -> CaseView:
    """The role's read model of `case` (the caller may see it: checked before)."""
    return render_many(uow, principal, [case])[0]


def render_many(uow: UnitOfWork, principal: Principal, cases: list[Case]) -> list[CaseView]:
    """The role's read models of `cases`, with one query for all their assessment summaries."""
    view = view_model(principal)
    if view is CaseTherapistView:
        return [CaseTherapistView.model_validate(case) for case in cases]
    if view is CaseEmployerView:
        return [employer_view(principal, case) for case in cases]
    summaries = assessment_summaries(uow, [case.id for case in cases])
    return [
        CaseInsurerView.model_validate(
            {
                **_fields(case, "worker", "claim", "employer_org_id", "restrictions"),
                "assessments": summaries.get(case.id, AssessmentSummary()),
            }
        )
        for case in cases
    ]


def employer_view(principal: Principal, case: Case) -> CaseEmployerView:
    """What the employer's role view of the case holds: who the worker is (name, job) and their
    restrictions only while the worker shares them."""
    view = role_view(principal, case)
    return CaseEmployerView.model_validate(
        {
            **_fields(case),
            "worker": case.worker if view.shows(Field.WORKER_NAME) else None,
            "employment": case.employment if view.shows(Field.JOB_TITLE) else None,
            "restrictions": case.restrictions if view.shows(Field.RESTRICTIONS) else [],
            "restrictions_shared": view.shows(Field.RESTRICTIONS),
        }
    )


def _fields(case: Case, *names: str) -> dict[str, object]:
    return {name: getattr(case, name) for name in (*COMMON_FIELDS, *names)}


def assessment_summaries(uow: UnitOfWork, case_ids: list[uuid.UUID]) -> dict[uuid.UUID, AssessmentSummary]:
    """Count and latest numbers of each case's assessments (cases without any are absent)."""
    return {
        a.case_id: AssessmentSummary(
            count=count,
            latest_date=a.assessed_on,
            latest_pain_nrs=a.pain_nrs,
            latest_grip_kg_left=_num(a.grip_kg_left),
            latest_grip_kg_right=_num(a.grip_kg_right),
        )
        for a, count in repository.latest_assessments_with_counts(uow.session, case_ids)
    }


def _num(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)
