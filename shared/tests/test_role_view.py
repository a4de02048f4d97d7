"""The role view (rtw_shared.role_view): which fields of a case each reader gets, cell by cell
against the product spec's "Who may see what" table and the worker's consents — pure, no I/O."""

from __future__ import annotations

import uuid

import pytest

from rtw_shared.access import CaseParties
from rtw_shared.auth import Principal
from rtw_shared.role_view import ALWAYS, Field, fields_of_role, role_view

F = Field
EMPLOYER_FIELDS = {
    F.REFERENCE,
    F.WORKER_NAME,
    F.JOB_TITLE,
    F.RESTRICTIONS,
    F.SCHEDULE,
    F.JOB_MATCH,
    F.ACCOMMODATION_STATUS,
    F.ACCOMMODATION_DETAIL,
}
INSURER_FIELDS = {
    F.REFERENCE,
    F.WORKER_NAME,
    F.DATE_OF_BIRTH,
    F.CLAIM_NUMBER,
    F.DIAGNOSIS,
    F.ASSESSMENT_SUMMARY,
    F.PROGRESS,
    F.RESTRICTIONS,
    F.SCHEDULE,
    F.JOB_MATCH,
    F.ACCOMMODATION_STATUS,
    F.COST,
}


def case(*, employer_consent: bool = True, insurer_consent: bool = True) -> CaseParties:
    return CaseParties(
        case_id=uuid.uuid4(),
        clinic_org_id="clinic-north",
        employer_org_id="acme",
        insurer_org_id="northwind",
        share_restrictions_with_employer=employer_consent,
        share_status_with_insurer=insurer_consent,
    )


def reader(role: str, org_id: str) -> Principal:
    return Principal(subject=role, username=role, roles=frozenset({role}), org_id=org_id)


@pytest.mark.parametrize(
    ("who", "consents", "expected"),
    [
        (reader("therapist", "clinic-north"), {}, set(Field)),
        (reader("therapist", "clinic-north"), {"employer_consent": False, "insurer_consent": False}, set(Field)),
        (reader("employer", "acme"), {}, EMPLOYER_FIELDS),
        (
            reader("employer", "acme"),
            {"employer_consent": False},
            {F.REFERENCE, F.ACCOMMODATION_STATUS, F.ACCOMMODATION_DETAIL},
        ),
        (reader("insurer", "northwind"), {}, INSURER_FIELDS),
        (reader("insurer", "northwind"), {"insurer_consent": False}, set()),
        (reader("admin", "platform"), {}, set()),
        (reader("therapist", "clinic-south"), {}, set()),
        (reader("employer", "globex"), {}, set()),
        (reader("insurer", "contoso"), {}, set()),
    ],
    ids=lambda v: v.username if isinstance(v, Principal) else None,
)
def test_each_reader_gets_the_fields_of_the_table(who, consents, expected):
    assert role_view(who, case(**consents)).fields == expected


def test_a_role_at_most_gets_what_it_gets_of_a_fully_shared_case_of_its_own():
    assert fields_of_role("employer") == EMPLOYER_FIELDS and fields_of_role("insurer") == INSURER_FIELDS
    assert fields_of_role("therapist") == set(Field) and fields_of_role("admin") == set()


def test_an_unknown_case_shows_nothing():
    assert role_view(reader("therapist", "clinic-north"), None).fields == set()


def test_a_cut_keeps_ids_and_shown_fields_and_drops_what_nobody_ruled_on():
    view = role_view(reader("insurer", "northwind"), case())
    data = {"case_id": "c", "worker_name": "Maria", "job_title": "Picker", "cost": 10, "surprise": 1}
    field_of = {"case_id": ALWAYS, "worker_name": F.WORKER_NAME, "job_title": F.JOB_TITLE, "cost": F.COST}
    assert view.cut(data, field_of) == {"case_id": "c", "worker_name": "Maria", "cost": 10}
