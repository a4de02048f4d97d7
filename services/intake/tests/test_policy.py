"""Intake's authorization decisions, pure: no I/O."""

from __future__ import annotations

import pytest

from rtw_intake import policy
from rtw_intake.cases.models import Case
from rtw_intake.cases.schemas import CaseEmployerView, CaseInsurerView, CaseTherapistView
from rtw_shared.auth import Principal

CASE = Case(clinic_org_id="clinic-north", employer_org_id="acme", insurer_org_id="northwind",
            consents={"share_restrictions_with_employer": True, "share_status_with_insurer": True})


def principal(role: str, org: str) -> Principal:
    return Principal(subject="s", username="u", roles=frozenset({role}), org_id=org)


@pytest.mark.parametrize(("role", "org", "sees"), [
    ("therapist", "clinic-north", True), ("therapist", "clinic-south", False),
    ("employer", "acme", True), ("employer", "globex", False),
    ("insurer", "northwind", True), ("insurer", "contoso", False),
    ("admin", "platform", False), ("admin", "clinic-north", False),
    ("employer", "clinic-north", False),  # the right org id under the wrong role is not enough
])
def test_a_case_is_visible_only_to_its_own_organisations_in_the_matching_role(role, org, sees):
    assert policy.can_see(principal(role, org), CASE) is sees


def test_without_the_workers_consent_the_insurer_does_not_see_the_case():
    private = Case(clinic_org_id="clinic-north", employer_org_id="acme", insurer_org_id="northwind",
                   consents={"share_status_with_insurer": False})
    assert not policy.can_see(principal("insurer", "northwind"), private)
    assert policy.can_see(principal("therapist", "clinic-north"), private)


@pytest.mark.parametrize(("role", "view"), [
    ("therapist", CaseTherapistView), ("employer", CaseEmployerView), ("insurer", CaseInsurerView), ("admin", None),
])
def test_each_role_gets_its_own_read_model(role, view):
    assert policy.view_model(principal(role, "x")) is view


def test_the_employer_view_has_no_clinical_or_identifying_fields():
    fields = set(CaseEmployerView.model_fields) | set(CaseEmployerView.model_fields["worker"].annotation.model_fields)
    assert not fields & {"claim", "diagnosis_codes", "body_parts", "mechanism", "date_of_birth", "assessments"}
