"""What the portal says in plain words, and how its forms become the API's decision: pure functions,
tested without I/O."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from rtw_employer.accommodations.expiry import expires_at
from rtw_employer.portal import forms, wording
from rtw_employer.portal.pages import safe_return_path


@pytest.mark.parametrize(
    ("restriction", "words"),
    [
        (
            {"demand": "lift_floor_waist", "frequency": "occasional", "load_kg": 10, "review_date": "2027-01-12"},
            "no lifting from floor to waist over 10 kg, occasional (up to a third of the shift), until 12 Jan 2027",
        ),
        (
            {"demand": "stand", "frequency": "frequent", "duration_min": 30},
            "standing for no more than 30 minutes at a time, frequent (up to two thirds of the shift)",
        ),
        ({"demand": "climb_ladder", "frequency": "never"}, "no climbing ladders at all"),
        ({"demand": "keyboarding"}, "limited keyboard work"),
        ({"demand": "juggling", "load_kg": 2.5}, "limited juggling"),
    ],
)
def test_restrictions_read_as_a_supervisor_would_say_them(restriction, words):
    assert wording.restriction_in_words(restriction) == words


@pytest.mark.parametrize(
    ("days_ahead", "words", "tone"),
    [
        (3, "due in 3 days", "later"),
        (2, "due in 2 days", "soon"),
        (1, "due in 1 day", "soon"),
        (0, "due today", "soon"),
        (-1, "overdue by 1 day", "overdue"),
        (-4, "overdue by 4 days", "overdue"),
    ],
)
def test_due_dates_are_told_at_a_glance(days_ahead, words, tone, clock):
    due = clock.today() + timedelta(days=days_ahead)
    assert wording.due_in_words(due, today=clock.today()) == wording.Due(words, tone)


def test_every_jan_category_is_named_and_explained():
    from typing import get_args

    from rtw_shared.vocabulary import AccommodationCategory, Demand

    for category in get_args(AccommodationCategory):
        assert wording.category_name(category) and wording.category_explained(category)
    assert set(get_args(Demand)) == set(wording.DEMANDS)
    assert wording.category_name("standing_desk") == "Standing desk"


def test_the_schedule_chart_scales_to_a_full_week():
    schedule = [
        {"week": 1, "hours_per_day": 4, "days_per_week": 5, "duties": "modified"},
        {"week": 2, "hours_per_day": 8, "days_per_week": 5, "duties": "full"},
    ]
    first, second = wording.schedule_bars(schedule)
    assert (first.hours, first.label, second.label) == (20, "20 h", "40 h")
    assert second.height == pytest.approx(2 * first.height)
    assert second.y + second.height == wording.CHART_HEIGHT - wording.CHART_BOTTOM  # bars stand on the axis
    assert wording.schedule_bars([]) == []
    assert wording.week_in_words(schedule[0]) == "4 h a day, 5 days a week, modified duties"


def test_a_request_expires_at_the_end_of_its_due_date_utc():
    assert expires_at(date(2026, 12, 4)).isoformat() == "2026-12-05T00:00:00+00:00"


def test_forms_become_the_apis_decision():
    assert forms.confirmation("  ").model_dump() == {"decision": "confirmed", "note": None, "counter": None}
    assert forms.decline("No space on the line").note == "No space on the line"
    with pytest.raises(forms.FormError, match="Say why you decline"):
        forms.decline(" ")
    offer = forms.counter(
        forms.CounterForm(
            description="Packing station",
            acc_category=["modified_duties", "other"],
            acc_description=["Packing only", ""],
            offer_schedule=True,
            week=["1"],
            hours_per_day=["4.5"],
            days_per_week=["4"],
            duties=["modified"],
        )
    )
    assert offer.counter.model_dump() == {
        "description": "Packing station",
        "accommodations": [{"category": "modified_duties", "description": "Packing only"}],
        "schedule": [{"week": 1, "hours_per_day": 4.5, "days_per_week": 4, "duties": "modified"}],
        "schedule_start_date": None,
    }


def test_a_bad_counter_form_says_what_to_fix():
    with pytest.raises(forms.FormError) as refused:
        forms.counter(
            forms.CounterForm(
                offer_schedule=True,
                week=["1", "2"],
                hours_per_day=["4", "30"],
                days_per_week=["x", "5"],
                duties=["modified", "full"],
            )
        )
    assert refused.value.problems == [
        "Week 1: give hours a day and days a week as numbers.",
        "Describe what you can offer instead.",
    ]
    with pytest.raises(forms.FormError) as too_long:
        forms.counter(
            forms.CounterForm(
                description="x",
                offer_schedule=True,
                week=["1"],
                hours_per_day=["30"],
                days_per_week=["5"],
                duties=["full"],
            )
        )
    assert too_long.value.problems == ["week row 1.hours_per_day: Input should be less than or equal to 24"]


@pytest.mark.parametrize(
    ("asked", "goes_to"),
    [
        ("/portal/history", "/portal/history"),
        ("/portal/requests?cursor=abc", "/portal/requests?cursor=abc"),
        ("https://evil.example/portal/", "/portal/requests"),
        ("//evil.example/portal/", "/portal/requests"),
        ("/portal//evil.example", "/portal/requests"),
        ("/v1/accommodations", "/portal/requests"),
        (None, "/portal/requests"),
    ],
)
def test_after_signing_in_the_portal_only_sends_you_within_itself(asked, goes_to):
    assert safe_return_path(asked) == goes_to


TO = "\N{EN DASH}"


@pytest.mark.parametrize(
    ("week", "label"),
    [
        (
            {"week": 1, "starts_on": "2026-12-07", "ends_on": "2026-12-13"},
            f"Week 1 · Mon 7 Dec 2026 {TO} Sun 13 Dec 2026",
        ),
        (
            {"week": 4, "starts_on": date(2026, 12, 28), "ends_on": date(2027, 1, 3)},
            f"Week 4 · Mon 28 Dec 2026 {TO} Sun 3 Jan 2027",
        ),
        ({"week": 2, "starts_on": None, "ends_on": None}, "Week 2"),
        ({"week": 3}, "Week 3"),
    ],
)
def test_a_week_is_named_with_its_dates_and_their_year(week, label):
    assert wording.week_label(week) == label


@pytest.mark.parametrize(
    ("dates", "words"),
    [
        ({"start": "2026-12-07", "end": "2026-12-18"}, ", from 7 Dec 2026, until 18 Dec 2026"),
        ({"review_date": "2026-12-18"}, ", until 18 Dec 2026"),
        ({"end": "2026-12-18", "review_date": "2026-12-11"}, ", until 18 Dec 2026"),
        ({"start": "2026-12-07"}, ", from 7 Dec 2026"),
    ],
)
def test_a_restrictions_dates_carry_their_year(dates, words):
    assert (
        wording.restriction_in_words({"demand": "kneel", "frequency": "never", **dates}) == f"no kneeling at all{words}"
    )
    assert wording.sentence("no kneeling, until 18 Dec 2026") == "No kneeling, until 18 Dec 2026"


@pytest.mark.parametrize(
    ("item", "words"),
    [
        (
            {"status": "withdrawn", "withdrawn_reason": "plan version 2 replaced it"},
            "Withdrawn: plan version 2 replaced it",
        ),
        ({"status": "expired", "due_date": date(2026, 12, 11)}, "Expired: not answered by Fri 11 Dec 2026"),
        (
            {"status": "declined", "decided_by_username": "erin", "decided_at": datetime(2026, 12, 4, 9, tzinfo=UTC)},
            "Declined by erin on 4 Dec 2026",
        ),
        (
            {"status": "countered", "decided_by_username": "erin", "decided_at": datetime(2026, 12, 4, 9, tzinfo=UTC)},
            "Countered by erin on 4 Dec 2026; waiting for the therapist to accept it or revise the plan",
        ),
        (
            {"status": "confirmed", "decided_by_username": "erin", "decided_at": None, "agreed": {"plan_version": 2}},
            "Countered by erin; the therapist accepted the counter-proposal, in force from plan version 2",
        ),
        (
            {"status": "confirmed", "decided_by_username": "erin", "agreed": {"plan_version": None}},
            "Countered by erin; the therapist accepted the counter-proposal, and a revised plan follows",
        ),
        ({"status": "requested", "due_date": date(2026, 12, 11)}, "Waiting for your answer, by Fri 11 Dec 2026"),
    ],
)
def test_history_says_what_became_of_a_request_in_one_line(item, words):
    assert wording.outcome_in_words(item) == words
