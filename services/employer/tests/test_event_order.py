"""Intake's and workplan's events travel on different topics, so employer may get them in any order:
every order must end in the same state (docs/events.md) — the case copy, the request, what the
employer is shown and what employer announced."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import text

from .conftest import RESTRICTIONS_CONSENT

COPY_COLUMNS = (
    "case_version, reference, status, clinic_org_id, employer_org_id, insurer_org_id, therapist_id, "
    "share_restrictions_with_employer, share_status_with_insurer, worker_name, job_title"
)
REQUEST_COLUMNS = "employer_org_id, plan_version, status, restrictions, schedule, accommodations, version"


def final_state(engine, client, tokens, case_id) -> dict:
    """Everything an order of events could change, without the ids that differ from case to case."""
    with engine.connect() as conn:
        copy = conn.execute(text(f"SELECT {COPY_COLUMNS} FROM case_copies WHERE case_id = :c"), {"c": case_id}).one()
        requests = conn.execute(
            text(f"SELECT {REQUEST_COLUMNS} FROM accommodation_requests WHERE case_id = :c"), {"c": case_id}
        ).all()
        request_id = conn.execute(
            text("SELECT id FROM accommodation_requests WHERE case_id = :c"), {"c": case_id}
        ).scalar_one()
        announced = (
            conn.execute(
                text("SELECT event_type FROM outbox WHERE payload::jsonb ->> 'case_id' = :c"), {"c": str(case_id)}
            )
            .scalars()
            .all()
        )
    item = client.get(f"/v1/accommodations/{request_id}", headers=tokens.headers("erin")).json()
    shown = {
        k: item[k]
        for k in (
            "worker_name",
            "job_title",
            "restrictions",
            "schedule",
            "restrictions_shared",
            "case_reference",
            "status",
        )
    }
    return {"copy": tuple(copy), "requests": [tuple(r) for r in requests], "announced": announced, "shown": shown}


def withdrawal_and_regrant(story, plan_published) -> dict:
    """The events of a case opened, its plan published, the consent withdrawn and granted again."""
    created, shared = story.opened()
    [withdrawn] = story.consent(RESTRICTIONS_CONSENT, False)
    regranted, reshared = story.consent(RESTRICTIONS_CONSENT, True)
    return {
        "created": created,
        "shared": shared,
        "published": plan_published(story.case_id),
        "withdrawn": withdrawn,
        "regranted": regranted,
        "reshared": reshared,
    }


def test_every_order_of_opening_publishing_and_withdrawing_the_consent_ends_the_same(
    client, tokens, deliver, case_story, plan_published, engine
):
    states = {}
    for order in itertools.permutations(("created", "shared", "published", "withdrawn")):
        story = case_story()
        created, shared = story.opened()
        [withdrawn] = story.consent(RESTRICTIONS_CONSENT, False)
        events = {
            "created": created,
            "shared": shared,
            "published": plan_published(story.case_id),
            "withdrawn": withdrawn,
        }
        deliver(*(events[name] for name in order))
        states[order] = final_state(engine, client, tokens, story.case_id)
    first = next(iter(states.values()))
    assert first["copy"][0] == 2 and first["copy"][-2:] == (None, None)  # version 2, no name kept
    assert first["shown"]["restrictions_shared"] is False and first["shown"]["worker_name"] is None
    assert first["announced"] == ["rtw.accommodation.requested.v1"]
    assert {order: state for order, state in states.items() if state != first} == {}
    assert len(states) == 24


REGRANT_EVENTS = ("created", "shared", "published", "withdrawn", "regranted", "reshared")


def regrant_end_states(deliver, engine, client, tokens, case_story, plan_published, orders) -> dict:
    """The end state of each order of `withdrawal_and_regrant`'s events, delivered with `deliver`."""
    states = {}
    for order in orders:
        story = case_story()
        events = withdrawal_and_regrant(story, plan_published)
        deliver(*(events[name] for name in order))
        states[order] = final_state(engine, client, tokens, story.case_id)
    return states


def assert_all_end_with_the_worker_shown_again(states: dict) -> None:
    first = next(iter(states.values()))
    assert first["copy"][0] == 3 and first["copy"][-2:] == ("Maria Lopez", "Warehouse associate")
    assert (first["shown"]["worker_name"], first["shown"]["restrictions_shared"]) == ("Maria Lopez", True)
    assert {order: state for order, state in states.items() if state != first} == {}


def test_every_order_applied_as_one_polled_batch_ends_as_one_by_one(
    client, tokens, deliver_together, case_story, plan_published, engine
):
    # The consumer hands runs of intake's events to the batch handler: the same end state. The 120
    # orders that open with case.created (quick; every order of the other five events).
    orders = list(itertools.permutations(REGRANT_EVENTS))[:120]
    states = regrant_end_states(deliver_together, engine, client, tokens, case_story, plan_published, orders)
    assert_all_end_with_the_worker_shown_again(states)


@pytest.mark.slow  # 720 orders
def test_every_order_of_a_withdrawal_and_its_regrant_ends_with_the_worker_shown_again(
    client, tokens, deliver, case_story, plan_published, engine
):
    orders = list(itertools.permutations(REGRANT_EVENTS))
    states = regrant_end_states(deliver, engine, client, tokens, case_story, plan_published, orders)
    assert_all_end_with_the_worker_shown_again(states)
    assert len(states) == 720
