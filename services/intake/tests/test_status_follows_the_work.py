"""Status never contradicts the work (issue 22, point 3): a published plan on a case still `referred`
walks it through the status machine, `referred → assessing → plan_active`, each move with its reason,
a `case.status_changed` event and a timeline entry — whatever order the therapist's own move, the
publication and the first schedule week arrive in. A case on hold resumes where the work brought it."""

from __future__ import annotations

import itertools
import uuid
from datetime import UTC, date, datetime

import pytest

from rtw_devstack.journey import new_case
from rtw_intake.cases.status_machine import FLOW
from rtw_shared.events import PlanPublishedV1, PlanScheduleWeekStartedV1

STATUS_CHANGED = "rtw.case.status_changed.v1"


def create(client, tokens) -> dict:
    response = client.post("/v1/cases", json=new_case(), headers=tokens.headers("tara"))
    assert response.status_code == 201, response.text
    return response.json()


def published(case_id: str, version: int = 1) -> PlanPublishedV1:
    return PlanPublishedV1(
        case_id=uuid.UUID(case_id),
        plan_id=uuid.uuid4(),
        version=version,
        employer_org_id="acme",
        published_at=datetime.now(UTC),
        restrictions=[],
        schedule=[{"week": 1, "hours_per_day": 4, "days_per_week": 5, "duties": "modified"}],
        accommodations=[],
        projected_rtw_date=date(2027, 1, 18),
    )


def first_week(case_id: str) -> PlanScheduleWeekStartedV1:
    return PlanScheduleWeekStartedV1(
        case_id=uuid.UUID(case_id),
        plan_id=uuid.uuid4(),
        version=1,
        employer_org_id="acme",
        week=1,
        starts_on=date(2027, 1, 4),
        hours_per_day=4,
        days_per_week=5,
        duties="modified",
    )


def moves_on_the_timeline(client, tokens, case_id: str) -> list[dict]:
    timeline = client.get(f"/v1/cases/{case_id}/timeline", headers=tokens.headers("ivy")).json()["items"]
    return [entry for entry in timeline if entry["kind"] == "case.status_changed"]


def test_a_plan_published_on_a_referred_case_walks_it_to_plan_active_saying_why_at_each_step(
    client, tokens, deliver, outbox
):
    case = create(client, tokens)
    assert case["status"] == "referred"

    deliver(published(case["id"], version=1))

    status = client.get(f"/v1/cases/{case['id']}/status", headers=tokens.headers("ivy")).json()
    assert (status["status"], status["plan"]["status"]) == ("plan_active", "published")
    moves = moves_on_the_timeline(client, tokens, case["id"])
    assert [(m["summary"], m["actor"], m["data"]) for m in moves] == [
        (
            "Status referred → assessing: plan version 1 was published",
            "workplan",
            {"from": "referred", "to": "assessing", "reason": "plan version 1 was published"},
        ),
        (
            "Status assessing → plan_active: plan version 1 was published",
            "workplan",
            {"from": "assessing", "to": "plan_active", "reason": "plan version 1 was published"},
        ),
    ]
    announced = outbox(STATUS_CHANGED)
    assert [(e["from_status"], e["to_status"], e["reason"]) for e in announced] == [
        ("referred", "assessing", "plan version 1 was published"),
        ("assessing", "plan_active", "plan version 1 was published"),
    ]
    # Each event's snapshot is the case as that move left it: webhooks and copies never read `referred`
    # beside the published plan.
    assert [(e["case"]["status"], e["case"]["version"]) for e in announced] == [
        ("assessing", case["version"] + 1),
        ("plan_active", case["version"] + 2),
    ]
    view = client.get(f"/v1/cases/{case['id']}", headers=tokens.headers("tara"))
    assert (view.json()["status"], view.headers["ETag"]) == ("plan_active", f'"{case["version"] + 2}"')


ACTIONS = ("tara moves it to assessing", "plan version 1 is published", "week 1 begins")


@pytest.mark.parametrize("order", list(itertools.permutations(ACTIONS)), ids=lambda order: " / ".join(order))
def test_in_any_order_the_case_ends_where_the_work_is_one_legal_step_at_a_time(client, tokens, deliver, order):
    case = create(client, tokens)
    for action in order:
        if action == ACTIONS[0]:
            moved = client.post(
                f"/v1/cases/{case['id']}/transitions", json={"to": "assessing"}, headers=tokens.headers("tara")
            )
            # Once the work moved the case on, the therapist's late move is refused, saying why.
            assert moved.status_code in (200, 409), moved.text
        elif action == ACTIONS[1]:
            deliver(published(case["id"]))
        else:
            deliver(first_week(case["id"]))

    status = client.get(f"/v1/cases/{case['id']}/status", headers=tokens.headers("ivy")).json()
    assert (status["status"], status["plan"]["status"]) == ("modified_duty", "published")
    moves = [(m["data"]["from"], m["data"]["to"]) for m in moves_on_the_timeline(client, tokens, case["id"])]
    walk = FLOW[: FLOW.index("modified_duty") + 1]
    assert moves == list(itertools.pairwise(walk))  # every step once, forward, none skipped


def test_a_late_older_version_and_a_second_version_move_nothing_more(client, tokens, deliver, outbox):
    case = create(client, tokens)
    deliver(published(case["id"], version=2))
    deliver(published(case["id"], version=1))  # late: the projection keeps version 2, the case stays
    deliver(published(case["id"], version=3))  # already plan_active: no move
    view = client.get(f"/v1/cases/{case['id']}", headers=tokens.headers("tara")).json()
    assert view["status"] == "plan_active"
    assert [(e["to_status"], e["reason"]) for e in outbox(STATUS_CHANGED)] == [
        ("assessing", "plan version 2 was published"),
        ("plan_active", "plan version 2 was published"),
    ]


def test_a_plan_published_while_on_hold_makes_the_case_resume_to_plan_active(client, tokens, deliver, outbox):
    case = create(client, tokens)
    held = client.post(
        f"/v1/cases/{case['id']}/transitions",
        json={"to": "on_hold", "reason": "surgery scheduled"},
        headers=tokens.headers("tara"),
    )
    assert held.json()["status_before_hold"] == "referred"

    deliver(published(case["id"]))

    view = client.get(f"/v1/cases/{case['id']}", headers=tokens.headers("tara")).json()
    assert (view["status"], view["status_before_hold"], view["allowed_moves"]) == (
        "on_hold",
        "plan_active",
        ["plan_active", "withdrawn"],
    )
    timeline = client.get(f"/v1/cases/{case['id']}/timeline", headers=tokens.headers("tara")).json()["items"]
    [resume] = [e for e in timeline if e["kind"] == "case.resume_point_changed"]
    assert resume["summary"] == "On hold; will resume to plan_active (was referred): plan version 1 was published"
    assert [e["to_status"] for e in outbox(STATUS_CHANGED)] == ["on_hold"]  # its status did not change

    resumed = client.post(
        f"/v1/cases/{case['id']}/transitions", json={"to": "plan_active"}, headers=tokens.headers("tara")
    )
    assert resumed.status_code == 200 and resumed.json()["status"] == "plan_active"
