"""The events intake announces about a case, each with the case's snapshot after the change.

Every intake event carries `case=CaseSnapshot(...)` built by `snapshot` alone, so every other
service's copy (rtw_shared.case_copy) sees the same organisations, consents and version whichever
event reaches it first. Call these after a flush: the version must be the one the change produced."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from rtw_shared.events import (
    Capacity,
    CaseAssessedV1,
    CaseConsentChangedV1,
    CaseCreatedV1,
    CaseRestrictionsChangedV1,
    CaseRtwDateChangedV1,
    CaseSharedWithEmployerV1,
    CaseSnapshot,
    CaseStatusChangedV1,
    Consents,
    CopmItem,
    Job,
    JobDemand,
    Restriction,
)

from .models import Assessment, Case


def snapshot(case: Case) -> CaseSnapshot:
    """Who is involved in `case` and what the worker consented to, at its current version."""
    return CaseSnapshot(
        version=case.version,
        reference=case.reference,
        status=case.status,
        clinic_org_id=case.clinic_org_id,
        employer_org_id=case.employer_org_id,
        insurer_org_id=case.insurer_org_id,
        therapist_id=case.therapist_id,
        therapist_email=case.therapist_email,
        consents=Consents(**case.consents),
        claim_number=case.claim.get("claim_number"),
    )


# `case.created`'s own fields (its original contract); the snapshot repeats them for newest-wins copies.
CREATED_FIELDS = {
    "reference",
    "status",
    "clinic_org_id",
    "employer_org_id",
    "insurer_org_id",
    "therapist_id",
    "therapist_email",
}


def job(case: Case) -> Job:
    """What the job demands and its usual hours — not clinical, not who the worker is (workplan's job match)."""
    employment = case.employment
    return Job(
        hours_per_day=employment.get("hours_per_day"),
        days_per_week=employment.get("days_per_week"),
        dot_strength_level=employment.get("dot_strength_level"),
        demands=[
            JobDemand(**demand, essential_function=function.get("name"))
            for function in employment.get("essential_functions", [])
            for demand in function.get("demands", [])
        ],
    )


def created(case: Case) -> CaseCreatedV1:
    """`case.created`: who is involved and what the job demands, not who the worker is."""
    now = snapshot(case)
    return CaseCreatedV1(case_id=case.id, case=now, job=job(case), **now.model_dump(include=CREATED_FIELDS))


def shared_with_employer(case: Case) -> CaseSharedWithEmployerV1:
    """What the employer may know of the worker: name and job title (only while the worker consents)."""
    worker, employment = case.worker, case.employment
    return CaseSharedWithEmployerV1(
        case_id=case.id,
        employer_org_id=case.employer_org_id,
        worker_name=f"{worker['given_name']} {worker['family_name']}",
        job_title=employment["job_title"],
        case=snapshot(case),
    )


def status_changed(case: Case, *, previous: str, reason: str | None) -> CaseStatusChangedV1:
    """The case moved from `previous` to its current status."""
    return CaseStatusChangedV1(
        case_id=case.id, from_status=previous, to_status=case.status, reason=reason, case=snapshot(case)
    )


def consent_changed(case: Case, *, consent: str, granted: bool, changed_by: str) -> CaseConsentChangedV1:
    """One consent was granted or withdrawn (ids and flags only; never the evidence)."""
    return CaseConsentChangedV1(
        case_id=case.id, consent=consent, granted=granted, changed_by=changed_by, case=snapshot(case)
    )


def restrictions_changed(case: Case) -> CaseRestrictionsChangedV1:
    """The case's whole list of restrictions, with their dates (a new draft plan starts from them)."""
    return CaseRestrictionsChangedV1(
        case_id=case.id,
        restrictions=[Restriction.model_validate(r) for r in case.restrictions],
        case=snapshot(case),
    )


def assessed(case: Case, assessment: Assessment) -> CaseAssessedV1:
    """An assessment as workplan's baseline: capacities, grip means, pain, COPM (clinical: workplan only)."""
    return CaseAssessedV1(
        case_id=case.id,
        assessment_id=assessment.id,
        assessed_on=assessment.assessed_on,
        capacities=[Capacity.model_validate(c) for c in assessment.capacities],
        grip_kg_left=_num(assessment.grip_kg_left),
        grip_kg_right=_num(assessment.grip_kg_right),
        pain_nrs=assessment.pain_nrs,
        copm=[CopmItem.model_validate(item) for item in assessment.copm],
        case=snapshot(case),
    )


def rtw_date_changed(case: Case, *, from_date: date | None, to_date: date | None, because: str) -> CaseRtwDateChangedV1:
    """The projected return-to-work date moved; `because` (plain words) is why, the reason says by how much."""
    return CaseRtwDateChangedV1(
        case_id=case.id,
        from_date=from_date,
        to_date=to_date,
        reason=_shift(from_date, to_date, because),
        case=snapshot(case),
    )


def _shift(from_date: date | None, to_date: date | None, because: str) -> str:
    if from_date is None:
        return f"first projected, as {because}"
    if to_date is None:
        return f"no longer projected, as {because}"
    days = (to_date - from_date).days
    amount = f"{abs(days)} day{'s' if abs(days) != 1 else ''}"
    return f"{amount} {'later' if days > 0 else 'earlier'}, as {because}"


def _num(value: Decimal | float | None) -> float | None:
    return None if value is None else float(value)
