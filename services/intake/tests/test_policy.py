"""Intake's authorization decisions, pure: no I/O. Role decides the action here; which case and
which part of it is rtw_shared.access's decision, taken on intake's own Case rows."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from rtw_intake import policy
from rtw_intake.cases import views
from rtw_intake.cases.models import Case
from rtw_intake.cases.schemas import CaseEmployerView, CaseInsurerView, CaseTherapistView
from rtw_intake.cases.views import employer_view
from rtw_shared import access
from rtw_shared.access import Part
from rtw_shared.auth import Principal
from rtw_shared.errors import ForbiddenError, NotFoundError


def case(*, employer_consent: bool = True, insurer_consent: bool = True) -> Case:
    now = datetime.now(UTC)
    return Case(
        id=uuid.uuid4(),
        reference="RTW-2026-000001",
        status="referred",
        clinic_org_id="clinic-north",
        created_at=now,
        updated_at=now,
        employer_org_id="acme",
        insurer_org_id="northwind",
        worker={"given_name": "Maria", "family_name": "Lopez"},
        employment={"employer_org_id": "acme", "job_title": "Picker", "hours_per_day": 8, "days_per_week": 5},
        restrictions=[{"demand": "stand", "frequency": "frequent", "start": "2026-11-01"}],
        share_restrictions_with_employer=employer_consent,
        share_status_with_insurer=insurer_consent,
    )


def principal(role: str, org: str) -> Principal:
    return Principal(subject="s", username="u", roles=frozenset({role}), org_id=org)


@pytest.mark.parametrize(
    ("role", "org", "sees"),
    [
        ("therapist", "clinic-north", True),
        ("therapist", "clinic-south", False),
        ("employer", "acme", True),
        ("employer", "globex", False),
        ("insurer", "northwind", True),
        ("insurer", "contoso", False),
        ("admin", "platform", False),
        ("admin", "clinic-north", False),
        ("employer", "clinic-north", False),  # the right org id under the wrong role is not enough
    ],
)
def test_a_case_row_is_visible_only_to_its_own_organisations_in_the_matching_role(role, org, sees):
    assert access.may_see(principal(role, org), case(), Part.CASE) is sees
    if not sees:
        with pytest.raises(NotFoundError, match="case x not found"):
            policy.require_case(principal(role, org), case(), what="case x")


def test_the_insurer_consent_gates_the_whole_case_and_the_employer_consent_identity_and_restrictions():
    private = case(employer_consent=False, insurer_consent=False)
    assert not access.may_see(principal("insurer", "northwind"), private, Part.CASE)
    assert access.may_see(principal("employer", "acme"), private, Part.CASE)
    assert not access.may_see(principal("employer", "acme"), private, Part.IDENTITY)
    assert not access.may_see(principal("employer", "acme"), private, Part.RESTRICTIONS)
    assert access.may_see(principal("therapist", "clinic-north"), private, Part.CLINICAL)


def test_the_employer_view_withholds_name_job_and_restrictions_without_consent():
    employer = principal("employer", "acme")
    shared, private = employer_view(employer, case()), employer_view(employer, case(employer_consent=False))
    assert (shared.worker.family_name, shared.employment.job_title, len(shared.restrictions)) == ("Lopez", "Picker", 1)
    assert shared.restrictions_shared is True
    assert (private.worker, private.employment, private.restrictions, private.restrictions_shared) == (
        None,
        None,
        [],
        False,
    )


@pytest.mark.parametrize(
    ("role", "view"),
    [
        ("therapist", CaseTherapistView),
        ("employer", CaseEmployerView),
        ("insurer", CaseInsurerView),
        ("admin", None),
    ],
)
def test_each_role_gets_its_own_read_model(role, view):
    assert views.view_model(principal(role, "x")) is view


@pytest.mark.parametrize(
    ("role", "part", "allowed"),
    [
        ("therapist", Part.PROGRESS, True),
        ("insurer", Part.PROGRESS, True),
        ("employer", Part.PROGRESS, False),
        ("admin", Part.PROGRESS, False),
        ("employer", Part.CASE, True),
        ("admin", Part.CASE, False),
    ],
)
def test_a_role_that_never_sees_a_part_is_refused_with_403(role, part, allowed):
    if allowed:
        policy.require_part_reader(principal(role, "x"), part, what="it")
    else:
        with pytest.raises(ForbiddenError):
            policy.require_part_reader(principal(role, "x"), part, what="it")


def test_the_employer_view_has_no_clinical_or_identifying_fields():
    fields = set(CaseEmployerView.model_fields) | set(
        CaseEmployerView.model_fields["worker"].annotation.__args__[0].model_fields
    )
    assert not fields & {"claim", "diagnosis_codes", "body_parts", "mechanism", "date_of_birth", "assessments"}
