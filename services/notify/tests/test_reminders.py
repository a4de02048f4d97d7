"""Reminders from notify's durable timers, driven by `fire_due(now=…)` on a chosen time (never by
sleeping): each fires once, at its time, and not at all when what it waits for happened first.
Every time is built from the test's clock, which starts at the real time. Real database, tokens
and SMTP sink."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import text

from rtw_notify.reminders import dates
from rtw_notify.reminders.schedule import DUE_SOON, PLAN_REVIEW, RESTRICTION_REVIEW
from rtw_shared.events import Restriction


def spoken(day: date) -> str:
    """A date as notify says it: `Fri 18 Dec 2026`."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def timers(engine) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT key, kind, due_at, fired_at, cancelled_at FROM timers ORDER BY key"))
        return [dict(r._mapping) for r in rows]


def emails(engine, kind: str) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT * FROM emails WHERE kind = :k ORDER BY recipient"), {"k": kind})
        return [dict(r._mapping) for r in rows]


# --- when (pure) -----------------------------------------------------------------------------
def test_reminders_fire_two_business_days_ahead_at_eight_utc():
    assert dates.ahead_of(date(2026, 12, 15)) == datetime(2026, 12, 11, 8, 0, tzinfo=UTC)  # Tue → Fri
    assert dates.ahead_of(date(2026, 12, 17)) == datetime(2026, 12, 15, 8, 0, tzinfo=UTC)  # Thu → Tue
    assert dates.at_reminder_time(date(2026, 12, 21)) == datetime(2026, 12, 21, 8, 0, tzinfo=UTC)


def test_restriction_reviews_are_grouped_by_date_without_undated_ones():
    restrictions = [
        Restriction(demand="stoop", review_date=date(2026, 12, 18)),
        Restriction(demand="lift_floor_waist", review_date=date(2026, 12, 18)),
        Restriction(demand="kneel", review_date=date(2026, 12, 1)),
        Restriction(demand="carry"),
    ]
    assert dates.reviews_by_date(restrictions) == {
        date(2026, 12, 1): ["kneel"],
        date(2026, 12, 18): ["lift_floor_waist", "stoop"],
    }


# --- accommodation due soon -------------------------------------------------------------------
def test_due_soon_reminds_the_employer_once_at_its_time(apply, events, subject_of, engine, fire, inbox, contact, clock):
    contact("erin", "coordinator@acme.example")
    case = events.case_created(therapist_id=subject_of("tara"))
    apply(case)
    due = clock.today() + timedelta(days=11)
    request = events.requested(case, due_date=due)
    apply(request)
    [timer] = timers(engine)
    assert (timer["key"], timer["due_at"]) == (f"{DUE_SOON}:{request.accommodation_id}", dates.ahead_of(due))

    assert fire(timer["due_at"] - timedelta(seconds=1)) == 0
    assert [n["kind"] for n in inbox("erin")] == ["accommodation_requested"]
    assert fire(timer["due_at"]) == 1
    assert fire(timer["due_at"] + timedelta(days=3)) == 0  # fired once, never again
    reminder, _ = inbox("erin")
    assert reminder["kind"] == "accommodation_due_soon"
    assert reminder["title"] == f"Reminder: accommodation request for case {case.reference} is due {spoken(due)}"
    assert reminder["accommodation_id"] == str(request.accommodation_id)
    for user in ("evan", "tara", "ivy"):
        assert inbox(user) == []
    [email] = emails(engine, "accommodation_due_soon")
    assert email["recipient"] == "coordinator@acme.example"
    assert spoken(due) in email["body"] and f"/portal/requests/{request.accommodation_id}" in email["body"]
    assert f"/portal/requests/{request.accommodation_id}" in email["html_body"]


def test_an_answered_request_is_never_reminded(apply, events, subject_of, engine, fire, inbox, clock):
    case = events.case_created(therapist_id=subject_of("tara"))
    apply(case)
    answered, withdrawn = events.requested(case), events.requested(case)
    apply(answered)
    apply(withdrawn)
    apply(events.decided(case, "confirmed", accommodation_id=answered.accommodation_id))
    apply(events.accommodation_withdrawn(case).model_copy(update={"accommodation_id": withdrawn.accommodation_id}))
    assert fire(clock() + timedelta(days=30)) == 0
    assert all(t["cancelled_at"] is not None and t["fired_at"] is None for t in timers(engine))
    assert "accommodation_due_soon" not in [n["kind"] for n in inbox("erin")]


def test_a_reminder_about_a_case_that_ended_tells_no_one(apply, events, subject_of, engine, fire, inbox, clock):
    case = events.case_created(therapist_id=subject_of("tara"))
    apply(case)
    apply(events.requested(case))
    apply(events.status_changed(case, "closed", version=2))
    assert fire(clock() + timedelta(days=30)) == 1
    assert [n["kind"] for n in inbox("erin")] == ["case_closed", "accommodation_requested"]


# --- expiry escalation --------------------------------------------------------------------------
def test_an_expired_request_escalates_to_the_therapist_and_the_insurer(
    apply, events, subject_of, engine, fire, inbox, contact, clock
):
    contact("ivy", "claims@northwind.example")
    case = events.case_created(therapist_id=subject_of("tara"))
    apply(case)
    request = events.requested(case)
    apply(request)
    apply(events.expired(case, request))
    assert fire(clock() + timedelta(days=30)) == 0  # the due-soon reminder was cancelled
    title = f"Accommodation request for case {case.reference} expired unanswered"
    assert [(n["kind"], n["title"]) for n in inbox("tara")] == [("accommodation_expired", title)]
    assert [(n["kind"], n["title"]) for n in inbox("ivy")] == [("accommodation_expired", title)]
    assert [e["recipient"] for e in emails(engine, "accommodation_expired")] == [
        "claims@northwind.example",
        "tara@clinic-north.example",
    ]


def test_an_expired_request_reaches_no_insurer_without_the_workers_consent(apply, events, subject_of, inbox):
    case = events.case_created(therapist_id=subject_of("tara"), share_status_with_insurer=False)
    apply(case)
    request = events.requested(case)
    apply(request)
    apply(events.expired(case, request))
    assert [n["kind"] for n in inbox("tara")] == ["accommodation_expired"]
    assert inbox("ivy") == []


# --- plan reviews ----------------------------------------------------------------------------------
def test_plan_and_restriction_reviews_remind_the_therapist_once(apply, events, subject_of, engine, fire, inbox, clock):
    case = events.case_created(therapist_id=subject_of("tara"))
    apply(case)
    review, restrictions_review = clock.today() + timedelta(days=17), clock.today() + timedelta(days=14)
    plan = events.plan_published(case, next_review_date=review, restriction_review=restrictions_review)
    apply(plan)
    plan_reminder, restriction_reminder = dates.at_reminder_time(review), dates.ahead_of(restrictions_review)
    assert {t["kind"]: t["due_at"] for t in timers(engine)} == {
        PLAN_REVIEW: plan_reminder,
        RESTRICTION_REVIEW: restriction_reminder,
    }
    assert restriction_reminder < plan_reminder
    assert fire(restriction_reminder) == 1
    [restriction] = inbox("tara")
    assert restriction["title"] == f"Restriction review due {spoken(restrictions_review)} for case {case.reference}"
    assert (
        restriction["body"] == f"Restrictions due for review on {spoken(restrictions_review)}: lift floor waist, stoop."
    )
    assert fire(plan_reminder) == 1
    assert fire(plan_reminder + timedelta(days=9)) == 0
    assert [n["kind"] for n in inbox("tara")] == [PLAN_REVIEW, RESTRICTION_REVIEW]
    assert [e["recipient"] for e in emails(engine, PLAN_REVIEW)] == ["tara@clinic-north.example"]
    for user in ("theo", "erin", "ivy"):
        assert inbox(user) == []


def test_a_new_version_replaces_the_reviews_and_a_cancelled_plan_has_none(
    apply, events, subject_of, engine, fire, inbox, clock
):
    case = events.case_created(therapist_id=subject_of("tara"))
    apply(case)
    today = clock.today()
    first = events.plan_published(case, next_review_date=today + timedelta(days=17))
    apply(first)
    second_review, second_restrictions = today + timedelta(days=31), today + timedelta(days=33)
    second = events.plan_published(
        case, plan_id=first.plan_id, version=2, next_review_date=second_review, restriction_review=second_restrictions
    )
    apply(second)
    # Version 1's reviews were cancelled: nothing fires until version 2's.
    both_due = max(dates.at_reminder_time(second_review), dates.ahead_of(second_restrictions))
    assert (
        fire(min(dates.at_reminder_time(second_review), dates.ahead_of(second_restrictions)) - timedelta(hours=1)) == 0
    )
    assert fire(both_due) == 2  # version 2's restriction and plan reviews
    other = events.plan_published(case)
    apply(other)
    apply(events.plan_cancelled(case).model_copy(update={"plan_id": other.plan_id}))
    assert fire(clock() + timedelta(days=180)) == 0
    assert [n["kind"] for n in inbox("tara")].count(PLAN_REVIEW) == 1


# --- schedule week ---------------------------------------------------------------------------------
def test_a_starting_week_tells_the_employer_what_it_looks_like(apply, events, subject_of, engine, inbox, contact):
    contact("erin", "supervisor@acme.example")
    case = events.case_created(therapist_id=subject_of("tara"))
    apply(case)
    week = events.week_started(case, week=2)
    apply(week)
    [item] = inbox("erin")
    assert item["kind"] == "schedule_week_started"
    assert item["title"] == f"Week 2 of the schedule for case {case.reference} starts {spoken(week.starts_on)}"
    ends_on = week.starts_on + timedelta(days=6)
    assert item["body"] == (
        f"6 hours a day, 5 days a week, modified duties, from {spoken(week.starts_on)} to {spoken(ends_on)}."
    )
    [email] = emails(engine, "schedule_week_started")
    assert email["recipient"] == "supervisor@acme.example"
    assert "6 hours a day, 5 days a week, modified duties" in email["body"]
    for user in ("evan", "tara", "ivy"):
        assert inbox(user) == []


def test_without_the_restrictions_consent_the_employer_is_not_told_the_schedule(
    apply, events, subject_of, engine, inbox, contact
):
    """The graduated schedule is part of what the worker shares with the employer: no consent, no
    in-app line and no email saying what the week looks like (the API shows no schedule either)."""
    contact("erin", "supervisor@acme.example")
    case = events.case_created(therapist_id=subject_of("tara"), share_restrictions_with_employer=False)
    apply(case)
    apply(events.week_started(case, week=2))
    assert inbox("erin") == []
    assert emails(engine, "schedule_week_started") == []


def test_a_schedule_line_leaves_the_employers_inbox_when_the_consent_is_withdrawn(apply, events, subject_of, inbox):
    case = events.case_created(therapist_id=subject_of("tara"))
    apply(case)
    apply(events.week_started(case, week=2))
    apply(events.requested(case))
    assert sorted(n["kind"] for n in inbox("erin")) == ["accommodation_requested", "schedule_week_started"]
    apply(events.consent_changed(case, "share_restrictions_with_employer", False, version=2))
    assert [n["kind"] for n in inbox("erin")] == ["accommodation_requested"]
    apply(events.consent_changed(case, "share_restrictions_with_employer", True, version=3))
    assert sorted(n["kind"] for n in inbox("erin")) == ["accommodation_requested", "schedule_week_started"]
