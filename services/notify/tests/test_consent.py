"""The inbox follows the worker's consents through the shared access decision on notify's case
copy: withdrawn → the insurer no longer sees the case's notifications; re-granted → it does again."""

from __future__ import annotations

import pytest
from sqlalchemy import text


def mark_read(client, tokens, user: str, notification_id: str) -> int:
    return client.post(f"/v1/notifications/{notification_id}/read", headers=tokens.headers(user)).status_code


@pytest.fixture
def ended_case(apply, events, subject_of, inbox):
    """A withdrawn case (version 2) whose employer and insurer were told; the insurer's notification."""
    case = events.case_created(therapist_id=subject_of("tara"))
    apply(case)
    apply(events.status_changed(case, "withdrawn", version=2))
    [item] = inbox("ivy")
    return case, item


def test_withdrawing_the_insurers_consent_hides_the_case_and_regranting_shows_it(
    client, tokens, apply, events, inbox, ended_case
):
    case, item = ended_case
    apply(events.consent_changed(case, "share_status_with_insurer", False, version=3, status="withdrawn"))
    assert inbox("ivy") == []
    assert mark_read(client, tokens, "ivy", item["id"]) == 404
    assert [n["kind"] for n in inbox("erin")] == ["case_withdrawn"]
    apply(events.consent_changed(case, "share_status_with_insurer", True, version=4, status="withdrawn"))
    assert [n["id"] for n in inbox("ivy")] == [item["id"]]
    assert mark_read(client, tokens, "ivy", item["id"]) == 200


def test_a_late_older_consent_change_does_not_hide_the_case_again(client, tokens, apply, events, inbox, ended_case):
    case, item = ended_case
    apply(events.consent_changed(case, "share_status_with_insurer", True, version=4, status="withdrawn"))
    apply(events.consent_changed(case, "share_status_with_insurer", False, version=3, status="withdrawn"))
    assert [n["id"] for n in inbox("ivy")] == [item["id"]]


def test_a_case_not_shared_with_the_insurer_never_reaches_it(apply, events, subject_of, inbox):
    case = events.case_created(therapist_id=subject_of("tara"), share_status_with_insurer=False)
    apply(case)
    apply(events.status_changed(case, "withdrawn", share_status_with_insurer=False))
    assert inbox("ivy") == []
    apply(events.consent_changed(case, "share_status_with_insurer", True, version=3, status="withdrawn"))
    assert inbox("ivy") == []  # granting later shows what exists; nothing was written for the insurer


def test_the_employer_keeps_the_request_without_the_restrictions_consent(
    client, tokens, apply, events, subject_of, inbox
):
    case = events.case_created(therapist_id=subject_of("tara"), share_restrictions_with_employer=False)
    apply(case)
    apply(events.requested(case))
    [item] = inbox("erin")
    assert item["kind"] == "accommodation_requested"
    assert mark_read(client, tokens, "erin", item["id"]) == 200


def test_an_addressed_notification_about_another_organisations_case_is_not_shown(
    client, tokens, apply, events, subject_of, inbox, engine
):
    """The address alone is not enough: the case must be the reader's organisation's (here, not acme's)."""
    case = events.case_created(therapist_id=subject_of("tara"))
    apply(case)
    apply(events.requested(case))
    with engine.begin() as conn:
        conn.execute(text("UPDATE cases SET employer_org_id = 'globex' WHERE case_id = :c"), {"c": case.case_id})
    assert inbox("erin") == []
    assert inbox("evan") == []
