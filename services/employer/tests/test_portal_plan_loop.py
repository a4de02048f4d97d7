"""The portal follows the plan's versions: a replaced request is never pending, History says what became
of each request in one line, an agreed request shows what was agreed above what was originally
requested, every week carries its dates with the year, and a counter-proposal can start on another
day and add or drop weeks (docs/portal.md)."""

from __future__ import annotations

import re
import uuid
from datetime import date

from rtw_shared.events import Restriction, ScheduleWeek

from .conftest import csrf_token, version_on

START = date(2026, 12, 7)  # week 1 of the plan's schedule (a Monday)
TO = "\N{EN DASH}"  # between a week's first and last day


def dated(event):
    """`event` with its schedule starting on START (and its weeks undated: employer dates them)."""
    return event.model_copy(update={"schedule_start_date": START})


def text_of(page_html: str) -> str:
    """A page's text as a person reads it: tags gone, spaces folded."""
    return " ".join(re.sub(r"<[^>]+>", " ", page_html).split())


def request_id_of(client, tokens, case_id, version: int) -> str:
    items = client.get("/v1/accommodations", headers=tokens.headers("erin")).json()["items"]
    return next(i["id"] for i in items if i["case_id"] == str(case_id) and i["plan_version"] == version)


def test_each_week_shows_its_dates_with_the_year(signed_in, deliver, case_story, plan_published, client, tokens):
    story = case_story()
    deliver(*story.opened(), dated(plan_published(story.case_id)))
    page = signed_in("erin").get(f"/portal/requests/{request_id_of(client, tokens, story.case_id, 1)}")
    shown = text_of(page.text)
    assert f"Week 1 · Mon 7 Dec 2026 {TO} Sun 13 Dec 2026" in shown
    assert f"Week 2 · Mon 14 Dec 2026 {TO} Sun 20 Dec 2026" in shown
    assert "Graduated return, week by week, from Mon 7 Dec 2026" in shown


def test_restriction_dates_carry_the_year_as_written(signed_in, deliver, case_story, plan_published, client, tokens):
    story = case_story()
    restriction = Restriction(
        demand="lift_floor_waist", frequency="occasional", load_kg=10, start=date(2026, 12, 7), end=date(2026, 12, 18)
    )
    deliver(*story.opened(), plan_published(story.case_id).model_copy(update={"restrictions": [restriction]}))
    page = signed_in("erin").get(f"/portal/requests/{request_id_of(client, tokens, story.case_id, 1)}")
    assert "from 7 Dec 2026, until 18 Dec 2026" in page.text
    assert "18 dec" not in page.text


def test_a_replaced_request_is_never_pending_and_history_says_what_became_of_each(
    signed_in, deliver, case_story, plan_published, client, tokens
):
    story = case_story()
    deliver(*story.opened(), plan_published(story.case_id, version=1))
    first = request_id_of(client, tokens, story.case_id, 1)
    deliver(plan_published(story.case_id, version=2))
    second = request_id_of(client, tokens, story.case_id, 2)
    portal = signed_in("erin")
    pending = portal.get("/portal/requests").text
    assert second in pending and first not in pending
    page = portal.get(f"/portal/requests/{second}")
    form = {"csrf_token": csrf_token(page.text), "version": version_on(page.text)}
    declined = portal.post(f"/portal/requests/{second}/decline", data={**form, "reason": "No light work"})
    assert declined.status_code == 303
    history_page = portal.get("/portal/history").text
    assert history_page.count('<li class="card">') == 2  # one line per request
    history = text_of(history_page)
    assert "Withdrawn: plan version 2 replaced it" in history
    assert re.search(r"Declined by erin on \d{1,2} \w{3} \d{4}", history)


def test_answering_a_replaced_request_says_it_is_no_longer_open_and_why(
    signed_in, deliver, case_story, plan_published, client, tokens
):
    story = case_story()
    deliver(*story.opened(), plan_published(story.case_id, version=1))
    first = request_id_of(client, tokens, story.case_id, 1)
    portal = signed_in("erin")
    page = portal.get(f"/portal/requests/{first}")
    deliver(plan_published(story.case_id, version=2))
    form = {"csrf_token": csrf_token(page.text), "version": "2"}  # reloaded: the request's current version
    refused = portal.post(f"/portal/requests/{first}/confirm", data=form)
    assert refused.status_code == 409
    shown = text_of(refused.text)
    assert "No longer open" in shown and "withdrawn (plan version 2 replaced it)" in shown
    assert "Your answer" not in shown  # no form to answer it with


COUNTER_FORM = {
    "description": "Start a week later, and a third week of full days",
    "acc_category": ["modified_duties", "rest_breaks", "other"],
    "acc_description": ["Packing station, no floor lifting", "", ""],
    "offer_schedule": "yes",
    "schedule_start_date": "2026-12-14",
    "week": ["1", "2", "3", "4"],
    "hours_per_day": ["4", "6", "8", ""],
    "days_per_week": ["5", "5", "5", ""],
    "duties": ["modified", "modified", "full", "modified"],
}


def test_a_counter_from_the_form_starts_later_and_adds_a_week(
    signed_in, deliver, case_story, plan_published, client, tokens
):
    story = case_story()
    deliver(*story.opened(), dated(plan_published(story.case_id)))
    request_id = request_id_of(client, tokens, story.case_id, 1)
    portal = signed_in("erin")
    page = portal.get(f"/portal/requests/{request_id}")
    assert 'type="date" id="schedule-start" name="schedule_start_date" value="2026-12-07"' in page.text
    assert 'id="hours-3"' in page.text and "Week 3 (extra)" in page.text  # room to add weeks
    form = {"csrf_token": csrf_token(page.text), "version": version_on(page.text), **COUNTER_FORM}
    assert portal.post(f"/portal/requests/{request_id}/counter", data=form).status_code == 303
    counter = client.get(f"/v1/accommodations/{request_id}", headers=tokens.headers("tara")).json()["counter"]
    assert counter["schedule_start_date"] == "2026-12-14"
    assert [(w["week"], w["starts_on"], w["ends_on"]) for w in counter["schedule"]] == [
        (1, "2026-12-14", "2026-12-20"),
        (2, "2026-12-21", "2026-12-27"),
        (3, "2026-12-28", "2027-01-03"),
    ]
    shown = text_of(portal.get(f"/portal/requests/{request_id}").text)
    assert "Week 1 would start on Mon 14 Dec 2026" in shown
    assert f"Week 3 · Mon 28 Dec 2026 {TO} Sun 3 Jan 2027: 8 h a day, 5 days a week, full duties" in shown


def test_an_agreed_request_shows_what_was_agreed_before_what_was_originally_requested(
    signed_in, deliver, case_story, plan_published, client, tokens
):
    story = case_story()
    deliver(*story.opened(), dated(plan_published(story.case_id)))
    request_id = request_id_of(client, tokens, story.case_id, 1)
    portal = signed_in("erin")
    page = portal.get(f"/portal/requests/{request_id}")
    form = {"csrf_token": csrf_token(page.text), "version": version_on(page.text), **COUNTER_FORM}
    assert portal.post(f"/portal/requests/{request_id}/counter", data=form).status_code == 303
    accepted = client.post(f"/v1/accommodations/{request_id}/counter/accept", headers=tokens.headers("tara"))
    assert accepted.status_code == 200
    before_the_plan = text_of(portal.get(f"/portal/requests/{request_id}").text)
    assert "the revised plan that puts it into effect follows" in before_the_plan
    agreed_weeks = [ScheduleWeek.model_validate(w) for w in accepted.json()["agreed"]["schedule"]]  # as published
    version_2 = plan_published(story.case_id, version=2, accommodations=accepted.json()["agreed"]["accommodations"])
    version_2 = version_2.model_copy(
        update={
            "schedule": agreed_weeks,
            "schedule_start_date": date(2026, 12, 14),
            "agreed_accommodation_id": uuid.UUID(request_id),
        }
    )
    deliver(version_2)
    shown = text_of(portal.get(f"/portal/requests/{request_id}").text)
    assert "plan version 2 puts it into effect. This is what stands." in shown
    agreed_at, original_at = shown.index("What was agreed"), shown.index("Originally requested")
    assert agreed_at < original_at
    agreed_part, original_part = shown[agreed_at:original_at], shown[original_at:]
    assert f"Week 1 · Mon 14 Dec 2026 {TO} Sun 20 Dec 2026" in agreed_part
    assert f"Week 3 · Mon 28 Dec 2026 {TO} Sun 3 Jan 2027" in agreed_part
    assert "Week 1 · Mon 7 Dec 2026" not in agreed_part  # the original schedule is not shown as standing
    assert f"Week 1 · Mon 7 Dec 2026 {TO} Sun 13 Dec 2026" in original_part
    assert "Packing station, no floor lifting" in agreed_part
    assert "Your answer" not in shown  # nothing to answer
    history = text_of(portal.get("/portal/history").text)
    assert "the therapist accepted the counter-proposal, in force from plan version 2" in history
    pending = portal.get("/portal/requests").text
    assert request_id not in pending
