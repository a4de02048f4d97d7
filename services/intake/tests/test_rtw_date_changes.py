"""When the projected return-to-work date on the insurer's status moves by a day or more — a new plan
version, recomputed progress — intake announces `rtw.case.rtw_date_changed.v1` (from, to, why in plain
words) with the case snapshot, and says so on the timeline: once per move; a late or repeated event,
which leaves the date as it was, announces nothing (issue 22, point 8)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from rtw_devstack.journey import new_case
from rtw_shared.events import PlanProgressChangedV1, PlanPublishedV1

RTW_DATE_CHANGED = "rtw.case.rtw_date_changed.v1"
FIRST = date(2027, 1, 18)


def published(case_id: str, version: int, projected: date | None) -> PlanPublishedV1:
    return PlanPublishedV1(
        case_id=uuid.UUID(case_id),
        plan_id=uuid.uuid4(),
        version=version,
        employer_org_id="acme",
        published_at=datetime.now(UTC),
        restrictions=[],
        schedule=[],
        accommodations=[],
        projected_rtw_date=projected,
    )


def progress(case_id: str, computed_at: datetime, projected: date | None, version: int = 1) -> PlanProgressChangedV1:
    return PlanProgressChangedV1(
        case_id=uuid.UUID(case_id),
        plan_id=uuid.uuid4(),
        version=version,
        computed_at=computed_at,
        sessions_attended=3,
        projected_rtw_date=projected,
    )


def moves(outbox) -> list[tuple[str | None, str | None, str]]:
    return [(e["from_date"], e["to_date"], e["reason"]) for e in outbox(RTW_DATE_CHANGED)]


def test_each_move_of_the_projected_date_is_announced_once_saying_why(client, tokens, deliver, outbox):
    case = client.post("/v1/cases", json=new_case("NW-2026-RTW"), headers=tokens.headers("tara")).json()
    computed = datetime.now(UTC)

    deliver(published(case["id"], 1, FIRST))
    deliver(progress(case["id"], computed, FIRST))  # the same date: no move
    deliver(progress(case["id"], computed + timedelta(minutes=1), FIRST + timedelta(days=7)))
    deliver(progress(case["id"], computed + timedelta(minutes=1), FIRST + timedelta(days=30)))  # the same again
    deliver(progress(case["id"], computed - timedelta(minutes=1), FIRST))  # an older computation, late
    deliver(published(case["id"], 2, FIRST + timedelta(days=4)))
    deliver(progress(case["id"], computed + timedelta(minutes=2), FIRST + timedelta(days=5), version=2))
    deliver(published(case["id"], 3, None))

    assert moves(outbox) == [
        (None, "2027-01-18", "first projected, as plan version 1 was published"),
        ("2027-01-18", "2027-01-25", "7 days later, as the progress of plan version 1 was updated"),
        ("2027-01-25", "2027-01-22", "3 days earlier, as plan version 2 was published"),
        ("2027-01-22", "2027-01-23", "1 day later, as the progress of plan version 2 was updated"),
        ("2027-01-23", None, "no longer projected, as plan version 3 was published"),
    ]
    status = client.get(f"/v1/cases/{case['id']}/status", headers=tokens.headers("ivy")).json()
    assert status["projected_rtw_date"] is None
    timeline = client.get(f"/v1/cases/{case['id']}/timeline", headers=tokens.headers("ivy")).json()["items"]
    said = [e["summary"] for e in timeline if e["kind"] == "status.rtw_date_changed"]
    assert (len(said), said[1], said[-1]) == (
        5,
        "Projected return to work 2027-01-25 (was 2027-01-18): 7 days later, as the progress of plan version 1 "
        "was updated",
        "Projected return to work none (was 2027-01-23): no longer projected, as plan version 3 was published",
    )


def test_the_announcement_carries_the_snapshot_the_insurer_reads_and_lands_on_the_timeline(
    client, tokens, deliver, outbox
):
    case = client.post("/v1/cases", json=new_case("NW-2026-SNAP"), headers=tokens.headers("tara")).json()
    deliver(published(case["id"], 1, FIRST))

    [event] = outbox(RTW_DATE_CHANGED)
    # After the publication walked the case to plan_active: the snapshot never says `referred` beside it.
    assert event["case"]["status"] == "plan_active" and event["case"]["version"] == case["version"] + 2
    assert (event["case"]["reference"], event["case"]["claim_number"]) == (case["reference"], "NW-2026-SNAP")
    timeline = client.get(f"/v1/cases/{case['id']}/timeline", headers=tokens.headers("ivy")).json()["items"]
    [entry] = [e for e in timeline if e["kind"] == "status.rtw_date_changed"]
    assert entry["summary"] == "Projected return to work 2027-01-18: first projected, as plan version 1 was published"
    assert (entry["actor"], entry["data"]) == ("workplan", {"from": None, "to": "2027-01-18"})
