"""A case that ends, a request withdrawn, a plan cancelled: the people involved are told, by case
reference only; real database and tokens."""

from __future__ import annotations

from sqlalchemy import text


def notifications_of(engine, case_id) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT * FROM notifications WHERE case_id = :c ORDER BY created_at"), {"c": case_id})
        return [dict(row._mapping) for row in rows]


def copy_of(engine, case_id) -> dict:
    with engine.connect() as conn:
        return dict(conn.execute(text("SELECT * FROM cases WHERE case_id = :c"), {"c": case_id}).one()._mapping)


def test_a_withdrawn_case_reaches_its_employer_and_insurer_by_reference_only(apply, events, subject_of, inbox, engine):
    case = events.case_created(therapist_id=subject_of("tara"))
    apply(case)
    change = events.status_changed(case, "withdrawn")
    apply(change)
    for user in ("erin", "ivy"):
        [item] = inbox(user)
        assert item["kind"] == "case_withdrawn" and item["case_id"] == str(case.case_id)
        assert item["title"] == f"Case {case.reference} was withdrawn"
        assert item["body"] == f"Case {case.reference} was withdrawn; no further action is needed on it."
        assert item["accommodation_id"] is None
    assert {(n["recipient_org_id"], n["recipient_role"]) for n in notifications_of(engine, case.case_id)} == {
        ("acme", "employer"),
        ("northwind", "insurer"),
    }
    # The therapist's reason may say anything about the worker: it is not repeated.
    assert all(change.reason not in n["body"] + n["title"] for n in notifications_of(engine, case.case_id))
    for user in ("tara", "theo", "evan", "ian", "ada"):
        assert inbox(user) == []
    assert copy_of(engine, case.case_id)["status"] == "withdrawn"


def test_a_closed_case_reaches_the_insurer_only_with_the_workers_consent(apply, events, subject_of, inbox, engine):
    case = events.case_created(therapist_id=subject_of("tara"))
    apply(case)
    apply(events.status_changed(case, "closed", share_status_with_insurer=False))
    [item] = inbox("erin")
    assert (item["kind"], item["title"]) == ("case_closed", f"Case {case.reference} was closed")
    assert inbox("ivy") == []
    assert [(n["recipient_org_id"], n["recipient_role"]) for n in notifications_of(engine, case.case_id)] == [
        ("acme", "employer")
    ]


def test_a_status_that_does_not_end_the_case_is_kept_without_a_notification(apply, events, subject_of, engine):
    case = events.case_created(therapist_id=subject_of("tara"))
    apply(case)
    apply(events.status_changed(case, "assessing"))
    assert notifications_of(engine, case.case_id) == []
    assert (copy_of(engine, case.case_id)["status"], copy_of(engine, case.case_id)["case_version"]) == ("assessing", 2)


def test_an_older_snapshot_arriving_late_does_not_revive_an_ended_case(apply, events, subject_of, engine):
    case = events.case_created(therapist_id=subject_of("tara"))
    apply(case)
    apply(events.status_changed(case, "withdrawn", version=3))
    apply(events.status_changed(case, "assessing", version=2))
    apply(case)
    copy = copy_of(engine, case.case_id)
    assert (copy["status"], copy["case_version"]) == ("withdrawn", 3)
    assert [n["kind"] for n in notifications_of(engine, case.case_id)] == ["case_withdrawn", "case_withdrawn"]


def test_a_withdrawn_request_reaches_the_employer_organisation_only(apply, events, subject_of, inbox, engine):
    case = events.case_created(therapist_id=subject_of("tara"))
    apply(case)
    withdrawn = events.accommodation_withdrawn(case)
    apply(withdrawn)
    [item] = inbox("erin")
    assert item["kind"] == "accommodation_withdrawn"
    assert item["title"] == f"Accommodation request for case {case.reference} withdrawn"
    assert item["accommodation_id"] == str(withdrawn.accommodation_id)
    for user in ("evan", "tara", "ivy"):
        assert inbox(user) == []


def test_a_cancelled_plan_reaches_the_therapist_in_app_only(apply, events, subject_of, inbox, engine):
    case = events.case_created(therapist_id=subject_of("tara"))
    apply(case)
    cancelled = events.plan_cancelled(case)
    apply(cancelled)
    [item] = inbox("tara")
    assert item["kind"] == "plan_cancelled"
    assert item["title"] == f"Plan for case {case.reference} cancelled"
    assert item["recipient_user_id"] == subject_of("tara")
    for user in ("theo", "erin", "ivy"):
        assert inbox(user) == []
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM emails")).scalar() == 0
