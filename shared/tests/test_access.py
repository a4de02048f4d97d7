"""The one consent decision (rtw_shared.access), checked cell by cell against the product spec's
"Who may see what" table and the worker's consents — pure, no I/O."""

from __future__ import annotations

import uuid

import pytest

from rtw_shared import audit_context
from rtw_shared.access import CaseParties, Part, may_see, require, visible
from rtw_shared.auth import Principal
from rtw_shared.errors import NotFoundError

CLINIC, EMPLOYER, INSURER = "clinic-north", "acme", "northwind"


def case(*, employer_consent: bool = True, insurer_consent: bool = True) -> CaseParties:
    return CaseParties(
        case_id=uuid.uuid4(),
        clinic_org_id=CLINIC,
        employer_org_id=EMPLOYER,
        insurer_org_id=INSURER,
        share_restrictions_with_employer=employer_consent,
        share_status_with_insurer=insurer_consent,
    )


def caller(role: str, org: str) -> Principal:
    return Principal(subject=f"{role}-sub", username=role, roles=frozenset({role}), org_id=org)


THERAPIST, EMPLOYER_USER, INSURER_USER = (
    caller("therapist", CLINIC),
    caller("employer", EMPLOYER),
    caller("insurer", INSURER),
)
EMPLOYER_PARTS = {Part.CASE, Part.IDENTITY, Part.RESTRICTIONS, Part.ACCOMMODATION}


@pytest.mark.parametrize("part", list(Part))
def test_the_therapist_of_the_clinic_sees_every_part_whatever_the_consents(part):
    assert may_see(THERAPIST, case(employer_consent=False, insurer_consent=False), part)


@pytest.mark.parametrize("part", list(Part))
def test_the_employer_sees_only_its_parts_and_identity_and_restrictions_only_with_consent(part):
    assert may_see(EMPLOYER_USER, case(), part) == (part in EMPLOYER_PARTS)
    withheld = part in EMPLOYER_PARTS and part not in (Part.IDENTITY, Part.RESTRICTIONS)
    assert may_see(EMPLOYER_USER, case(employer_consent=False), part) == withheld


@pytest.mark.parametrize("part", list(Part))
def test_the_insurer_sees_the_case_only_while_the_worker_consents(part):
    assert may_see(INSURER_USER, case(), part)
    assert not may_see(INSURER_USER, case(insurer_consent=False), part)
    # The employer's consent is not the insurer's business.
    assert may_see(INSURER_USER, case(employer_consent=False), part)


@pytest.mark.parametrize(
    "who",
    [
        caller("therapist", "clinic-south"),
        caller("employer", "globex"),
        caller("insurer", "contoso"),
        caller("admin", "platform"),
        Principal("x", "x", frozenset(), CLINIC),
    ],
)
@pytest.mark.parametrize("part", list(Part))
def test_other_organisations_admins_and_roleless_callers_see_nothing(who, part):
    assert not may_see(who, case(), part)


def test_a_case_this_service_has_not_heard_of_is_seen_by_no_one():
    assert not may_see(THERAPIST, None, Part.CASE)


def test_visible_notes_the_allowed_cases_for_the_audit_row_and_only_those():
    note = audit_context.open_note()
    shown, hidden = case(), case(insurer_consent=False)
    assert visible(INSURER_USER, shown) and not visible(INSURER_USER, hidden)
    assert visible(INSURER_USER, shown)  # noted once
    assert note.case_ids == [str(shown.case_id)]


def test_require_answers_not_found_without_revealing_the_case():
    with pytest.raises(NotFoundError, match="plan 7 not found"):
        require(caller("insurer", "contoso"), case(), what="plan 7")
    require(INSURER_USER, case(), Part.COST, what="plan 7")  # allowed: no error
