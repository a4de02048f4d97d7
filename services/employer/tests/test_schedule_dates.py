"""Every week of a schedule has its first and last day once the plan's schedule has a start: in the
request, in a counter-proposal (which may start on another day and add or drop weeks) and in the
event that carries it; and one rule refuses a decline without a reason, in the API as in the portal."""

from __future__ import annotations

from datetime import date

import pytest

from rtw_employer.accommodations.schemas import DECLINE_NEEDS_A_REASON
from rtw_employer.portal import forms
from rtw_shared.events import ScheduleWeek

START = date(2027, 1, 4)  # the day week 1 of the plan's schedule begins (a Monday)


def decide(client, tokens, request_id: str, body: dict):
    return client.post(f"/v1/accommodations/{request_id}/decision", json=body, headers=tokens.headers("erin"))


@pytest.fixture
def dated_request(deliver, case_story, plan_published, request_of):
    """Factory: a request of a plan whose schedule starts on START (`dated_weeks`: the plan dates its weeks
    itself; otherwise only the start is given); returns (request id, the plan event, the case story)."""

    def make(*, dated_weeks: bool) -> tuple[str, object, object]:
        story = case_story()
        event = plan_published(story.case_id).model_copy(update={"schedule_start_date": START})
        if dated_weeks:
            weeks = [
                ScheduleWeek(week=1, hours_per_day=4, days_per_week=5, duties="modified", starts_on=START),
                ScheduleWeek(
                    week=2,
                    hours_per_day=8,
                    days_per_week=5,
                    duties="full",
                    starts_on=date(2027, 1, 11),
                    ends_on=date(2027, 1, 17),
                ),
            ]
            event = event.model_copy(update={"schedule": weeks})
        deliver(*story.opened(), event)
        return request_of(story.case_id), event, story

    return make


@pytest.mark.parametrize("dated_weeks", [False, True], ids=["start only", "weeks dated"])
def test_each_requested_week_has_its_first_and_last_day(client, tokens, dated_request, dated_weeks):
    request_id, _, _ = dated_request(dated_weeks=dated_weeks)
    for user in ("erin", "tara"):
        body = client.get(f"/v1/accommodations/{request_id}", headers=tokens.headers(user)).json()
        assert body["schedule_start_date"] == "2027-01-04"
        expected_first_end = None if dated_weeks else "2027-01-10"  # a date the plan gave is kept as it is
        assert [(w["week"], w["starts_on"], w["ends_on"]) for w in body["schedule"]] == [
            (1, "2027-01-04", expected_first_end),
            (2, "2027-01-11", "2027-01-17"),
        ]


def test_without_the_workers_consent_no_schedule_and_no_dates_are_shown(client, tokens, dated_request, deliver):
    request_id, _, story = dated_request(dated_weeks=False)
    counter = {"description": "Later", "schedule_start_date": "2027-01-18"}
    assert decide(client, tokens, request_id, {"decision": "countered", "counter": counter}).status_code == 200
    deliver(*story.consent("share_restrictions_with_employer", False))
    employer = client.get(f"/v1/accommodations/{request_id}", headers=tokens.headers("erin")).json()
    assert (employer["schedule"], employer["schedule_start_date"]) == ([], None)
    assert (employer["counter"]["schedule"], employer["counter"]["schedule_start_date"]) == ([], None)
    therapist = client.get(f"/v1/accommodations/{request_id}", headers=tokens.headers("tara")).json()
    assert (
        therapist["schedule_start_date"] == "2027-01-04" and therapist["counter"]["schedule_start_date"] == "2027-01-18"
    )


def test_a_counter_may_start_later_and_add_or_drop_weeks_and_its_event_carries_the_dates(
    client, tokens, dated_request, outbox
):
    request_id, _, _ = dated_request(dated_weeks=False)
    counter = {
        "description": "Start a week later, three shorter weeks",
        "schedule_start_date": "2027-01-11",
        "schedule": [
            {"week": 1, "hours_per_day": 4, "days_per_week": 4, "duties": "modified"},
            {"week": 2, "hours_per_day": 6, "days_per_week": 4, "duties": "modified"},
            {"week": 3, "hours_per_day": 8, "days_per_week": 5, "duties": "full"},
        ],
    }
    answer = decide(client, tokens, request_id, {"decision": "countered", "counter": counter})
    assert answer.status_code == 200, answer.text
    shown = answer.json()["counter"]
    assert shown["schedule_start_date"] == "2027-01-11"
    assert [(w["week"], w["starts_on"], w["ends_on"]) for w in shown["schedule"]] == [
        (1, "2027-01-11", "2027-01-17"),
        (2, "2027-01-18", "2027-01-24"),
        (3, "2027-01-25", "2027-01-31"),
    ]
    event_type, payload = outbox()[-1]
    assert event_type == "rtw.accommodation.decided.v1"
    assert payload["counter"]["schedule_start_date"] == "2027-01-11"
    assert payload["counter"]["schedule"] == shown["schedule"]


def test_a_counter_without_a_start_dates_its_weeks_from_the_requests(client, tokens, dated_request):
    request_id, _, _ = dated_request(dated_weeks=False)
    counter = {
        "description": "Only one week of half days",
        "schedule": [{"week": 1, "hours_per_day": 4, "days_per_week": 5, "duties": "modified"}],
    }
    shown = decide(client, tokens, request_id, {"decision": "countered", "counter": counter}).json()["counter"]
    assert shown["schedule_start_date"] is None  # as requested
    assert [(w["starts_on"], w["ends_on"]) for w in shown["schedule"]] == [("2027-01-04", "2027-01-10")]


@pytest.mark.parametrize("weeks", [[2, 1], [1, 1], [1, 3, 2]])
def test_a_counters_weeks_come_in_order_each_once(client, tokens, dated_request, weeks):
    request_id, _, _ = dated_request(dated_weeks=False)
    schedule = [{"week": n, "hours_per_day": 4, "days_per_week": 5, "duties": "modified"} for n in weeks]
    answer = decide(
        client, tokens, request_id, {"decision": "countered", "counter": {"description": "x", "schedule": schedule}}
    )
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["detail"].startswith("counter.schedule:")
    assert "list the weeks in order, each once" in answer.json()["detail"]


@pytest.mark.parametrize("body", [{"decision": "declined"}, {"decision": "declined", "note": "   "}])
def test_a_decline_without_a_reason_is_refused_naming_the_field(client, tokens, open_request, outbox, body):
    request_id, _ = open_request()
    answer = decide(client, tokens, request_id, body)
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["detail"].startswith("note:") and DECLINE_NEEDS_A_REASON in answer.json()["detail"]
    shown = client.get(f"/v1/accommodations/{request_id}", headers=tokens.headers("erin")).json()
    assert shown["status"] == "requested"
    assert [t for t, _ in outbox()] == ["rtw.accommodation.requested.v1"]


def test_the_portals_decline_form_obeys_the_same_rule():
    with pytest.raises(forms.FormError) as refused:
        forms.decline("  ")
    assert refused.value.problems == [f"{DECLINE_NEEDS_A_REASON[0].upper()}{DECLINE_NEEDS_A_REASON[1:]}."]
    assert forms.decline(" No modified work ").note == "No modified work"
