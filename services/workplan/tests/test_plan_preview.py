"""The plan builder's live checks (publication.service.preview_draft): what publishing content not yet saved
would meet — hard errors, warnings, projections — with nothing written, not even when the Unit of Work
commits afterwards; another clinic's therapist gets 404 as for any plan."""

from __future__ import annotations

import uuid

import pytest

from rtw_shared.auth import Principal
from rtw_shared.errors import NotFoundError
from rtw_shared.uow import UnitOfWork
from rtw_workplan.plans import repository
from rtw_workplan.plans.schemas import PlanContent
from rtw_workplan.publication.service import preview_draft
from rtw_workplan.rules.projections import FeeSchedule

TARA = Principal(subject="tara-subject", username="tara", roles=frozenset({"therapist"}), org_id="clinic-north")
THEO = Principal(subject="theo-subject", username="theo", roles=frozenset({"therapist"}), org_id="clinic-south")
TYPED = {
    "goals": [
        {"demand": "lift_floor_waist", "baseline": 30, "target": 20, "unit": "kg", "description": "Lift a tote"},
        {"demand": "carry", "baseline": 5, "target": 5, "unit": "kg", "description": "Carry a tote"},
    ],
    "phases": [
        {"name": "Conditioning", "start_week": 1, "end_week": 2, "sessions_per_week": 3, "minutes_per_session": 60}
    ],
    "schedule": [{"week": 1, "hours_per_day": 4, "days_per_week": 5, "duties": "modified"}],
}


def test_the_preview_checks_and_projects_the_typed_content_and_writes_nothing(session_factory, draft_plan):
    plan_id = uuid.UUID(draft_plan)
    with session_factory() as session:
        before = repository.get(session, plan_id)
        assert before is not None
        stored, revision = dict(before.content), before.revision
    with UnitOfWork(session_factory, source="workplan") as uow:
        preview = preview_draft(
            uow=uow, principal=TARA, plan_id=plan_id, content=PlanContent.model_validate(TYPED), fees=FeeSchedule()
        )
        uow.commit()  # whatever the page's request does next, the typed content is not in it
    assert [(e.code, e.field) for e in preview.errors] == [("target_below_baseline", "goals.0")]
    assert [(w.field, carried) for w, carried in preview.warnings] == [("goals.1", False)]
    assert preview.warnings[0][0].code.startswith("target_equals_baseline:goal.")
    assert preview.projections.projected_cost == 175.0 + 6 * 120.0  # the typed phases', not the draft's
    with session_factory() as session:
        after = repository.get(session, plan_id)
        assert after is not None and (after.content, after.revision) == (stored, revision)


def test_another_clinics_therapist_previews_nothing(session_factory, draft_plan):
    with UnitOfWork(session_factory, source="workplan") as uow, pytest.raises(NotFoundError):
        preview_draft(
            uow=uow,
            principal=THEO,
            plan_id=uuid.UUID(draft_plan),
            content=PlanContent.model_validate(TYPED),
            fees=FeeSchedule(),
        )
