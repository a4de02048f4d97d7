"""Recording and reading assessments (therapist only: clinical detail)."""

from __future__ import annotations

import uuid
from statistics import fmean

from rtw_shared.access import Part
from rtw_shared.auth import Principal
from rtw_shared.errors import ConflictError, UnprocessableError
from rtw_shared.uow import UnitOfWork

from ..cases import events, status_machine
from ..cases import repository as cases
from ..cases.models import Assessment
from ..cases.service import get_visible_case
from ..timeline import service as timeline
from .schemas import AssessmentCreate


def record_assessment(
    *, uow: UnitOfWork, principal: Principal, case_id: uuid.UUID, data: AssessmentCreate
) -> Assessment:
    """Add an assessment to an open case (grip stored as trials and their mean) and announce it."""
    case = get_visible_case(uow=uow, principal=principal, case_id=case_id, part=Part.CLINICAL, for_update=True)
    if case.status in status_machine.FINAL:
        raise ConflictError(f"the case is {case.status}; no more assessments can be recorded")
    if data.date.isoformat() < case.claim["injury_date"]:
        raise UnprocessableError("date: an assessment cannot predate the injury", field="date")
    grip = data.grip_trials_kg
    assessment = Assessment(
        case_id=case.id,
        assessed_on=data.date,
        capacities=[c.model_dump(mode="json") for c in data.capacities],
        grip_trials_kg=grip.model_dump() if grip else None,
        grip_kg_left=round(fmean(grip.left), 2) if grip else None,
        grip_kg_right=round(fmean(grip.right), 2) if grip else None,
        pain_nrs=data.pain_nrs,
        copm=[item.model_dump() for item in data.copm],
        recorded_by=principal.username,
    )
    uow.session.add(assessment)
    # The timeline is read by insurers too: it says that an assessment happened, not what it found.
    timeline.record(
        uow,
        case_id=case.id,
        kind="assessment.recorded",
        actor=principal.username,
        summary=f"Assessment recorded for {data.date.isoformat()}",
    )
    cases.mark_changed(uow.session, case.id)  # the insurer's view shows the assessments' summary
    uow.session.flush()  # the assessment's id, before the event names it
    uow.emit(events.assessed(case, assessment))  # the baseline workplan's next draft starts from
    uow.commit()
    return assessment


def list_assessments(*, uow: UnitOfWork, principal: Principal, case_id: uuid.UUID) -> list[Assessment]:
    """The case's assessments, oldest first."""
    case = get_visible_case(uow=uow, principal=principal, case_id=case_id, part=Part.CLINICAL)
    return cases.assessments_of(uow.session, case.id)
