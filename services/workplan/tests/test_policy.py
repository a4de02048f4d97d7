"""Workplan's role decisions, pure: no I/O. Which plan a caller may see is rtw_shared.access's decision
on the plan's case copy (tested with the API); here, which roles read plans and in which read model."""

from __future__ import annotations

import pytest

from rtw_shared.auth import Principal
from rtw_shared.errors import ForbiddenError
from rtw_workplan import policy
from rtw_workplan.plans.views import PlanInsurerView, PlanTherapistView, view_model


def principal(role: str) -> Principal:
    return Principal(subject="s", username="u", roles=frozenset({role}), org_id="x")


@pytest.mark.parametrize(
    ("role", "view"),
    [("therapist", PlanTherapistView), ("insurer", PlanInsurerView), ("employer", None), ("admin", None)],
)
def test_each_plan_reader_has_its_read_model_and_the_other_roles_are_refused(role, view):
    assert view_model(principal(role)) is view
    if view is None:
        with pytest.raises(ForbiddenError):
            policy.reading_role(principal(role))
    else:
        assert policy.reading_role(principal(role)) == role
