"""The case follows the treatment (workplan's events applied by intake's handlers, as its consumer
does): plan published → plan_active, schedule weeks → modified_duty / full_duty, each move through
the status machine and announced; a move it refuses is skipped; progress reaches the insurer's
status and `updated_since`; an accommodation request that expired shows as expired."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import text

from rtw_devstack.journey import new_case
from rtw_shared.events import (
    PlanProgressChangedV1,
    PlanPublishedV1,
    PlanScheduleWeekStartedV1,
)
from rtw_shared.events.catalogue import AccommodationExpiredV1, AccommodationRequestedV1


def create(client, tokens, to: str | None = "assessing") -> dict:
    case = client.post("/v1/cases", json=new_case(), headers=tokens.headers("tara")).json()
    if to:
        moved = client.post(f"/v1/cases/{case['id']}/transitions", json={"to": to}, headers=tokens.headers("tara"))
        assert moved.status_code == 200, moved.text
        return moved.json()
    return case


def published(case_id, version=1) -> PlanPublishedV1:
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
        projected_cost=1615.0,
        projected_readiness_date=date(2026, 12, 20),
    )


def week(case_id, n: int, duties: str) -> PlanScheduleWeekStartedV1:
    return PlanScheduleWeekStartedV1(
        case_id=uuid.UUID(case_id),
        plan_id=uuid.uuid4(),
        version=1,
        employer_org_id="acme",
        week=n,
        starts_on=date(2026, 12, 21) + timedelta(days=7 * (n - 1)),
        hours_per_day=8 if duties == "full" else 4,
        days_per_week=5,
        duties=duties,
    )


def progress(case_id, computed_at: datetime, **numbers) -> PlanProgressChangedV1:
    return PlanProgressChangedV1(
        case_id=uuid.UUID(case_id),
        plan_id=uuid.uuid4(),
        version=1,
        computed_at=computed_at,
        sessions_attended=6,
        **numbers,
    )


def status_of(client, tokens, case_id, user="ivy") -> dict:
    return client.get(f"/v1/cases/{case_id}/status", headers=tokens.headers(user)).json()


def outbox_types(db) -> list[str]:
    with db.connect() as conn:
        return list(conn.execute(text("SELECT event_type FROM outbox ORDER BY id")).scalars())


def test_publication_then_the_weeks_move_the_case_and_announce_each_step(client, tokens, deliver, db):
    case = create(client, tokens)
    deliver(published(case["id"]))
    assert status_of(client, tokens, case["id"])["status"] == "plan_active"
    deliver(week(case["id"], 1, "modified"))
    assert status_of(client, tokens, case["id"])["status"] == "modified_duty"
    deliver(week(case["id"], 2, "modified"))  # already on modified duty: nothing moves
    deliver(week(case["id"], 3, "full"))
    view = client.get(f"/v1/cases/{case['id']}", headers=tokens.headers("tara"))
    assert (view.json()["status"], view.headers["ETag"]) == ("full_duty", f'"{case["version"] + 3}"')
    changes = [t for t in outbox_types(db) if t == "rtw.case.status_changed.v1"]
    assert len(changes) == 4  # assessing (by tara), plan_active, modified_duty, full_duty
    timeline = client.get(f"/v1/cases/{case['id']}/timeline", headers=tokens.headers("tara")).json()["items"]
    moves = [e["summary"] for e in timeline if e["kind"] == "case.status_changed"]
    assert moves[-3:] == [
        "Status assessing → plan_active: plan version 1 was published",
        "Status plan_active → modified_duty: week 1 of the graduated return (modified duties)",
        "Status modified_duty → full_duty: week 3 of the graduated return (full duties)",
    ]


def test_a_full_first_week_walks_through_modified_duty_to_full_duty(client, tokens, deliver):
    case = create(client, tokens)
    deliver(published(case["id"]))
    deliver(week(case["id"], 1, "full"))
    view = client.get(f"/v1/cases/{case['id']}", headers=tokens.headers("tara")).json()
    assert view["status"] == "full_duty"


def test_the_work_never_moves_an_ended_case(client, tokens, deliver):
    case = create(client, tokens, to=None)  # referred
    client.post(
        f"/v1/cases/{case['id']}/transitions",
        json={"to": "withdrawn", "reason": "opened by mistake"},
        headers=tokens.headers("tara"),
    )
    before = client.get(f"/v1/cases/{case['id']}", headers=tokens.headers("tara")).json()
    deliver(published(case["id"]))
    deliver(week(case["id"], 1, "modified"))
    after = client.get(f"/v1/cases/{case['id']}", headers=tokens.headers("tara")).json()
    assert (after["status"], after["version"]) == ("withdrawn", before["version"])
    assert status_of(client, tokens, case["id"], "tara")["plan"]["status"] == "published"  # the projection follows


def test_progress_reaches_the_insurers_status_and_updated_since(client, tokens, deliver, db):
    case = create(client, tokens)
    deliver(published(case["id"]))
    with db.connect() as conn:
        since = conn.execute(text("SELECT clock_timestamp()")).scalar()
    poll = {"updated_since": since.isoformat()}
    assert client.get("/v1/cases", params=poll, headers=tokens.headers("ivy")).json()["items"] == []
    computed = datetime.now(UTC)
    numbers = {
        "adherence": 0.8333,
        "job_match": 0.3333,
        "projected_readiness_date": date(2026, 12, 12),
        "projected_rtw_date": date(2027, 1, 4),
        "cost_projected": 1615.0,
        "cost_actual": 895.0,
    }
    deliver(progress(case["id"], computed, **numbers))
    deliver(progress(case["id"], computed - timedelta(minutes=1), adherence=0.1, job_match=0.0))  # late: ignored
    status = status_of(client, tokens, case["id"])
    assert (status["plan"]["adherence"], status["plan"]["job_match"]) == (0.8333, 0.3333)
    assert (status["projected_readiness_date"], status["projected_rtw_date"]) == ("2026-12-12", "2027-01-04")
    assert status["cost"] == {"projected": 1615.0, "actual": 895.0}
    assert status["updated_at"] > since.isoformat()
    polled = client.get("/v1/cases", params=poll, headers=tokens.headers("ivy")).json()["items"]
    assert [item["id"] for item in polled] == [case["id"]]


def test_an_expired_request_shows_as_expired(client, tokens, deliver):
    case = create(client, tokens)
    request = uuid.uuid4()
    deliver(
        AccommodationRequestedV1(
            case_id=uuid.UUID(case["id"]),
            accommodation_id=request,
            employer_org_id="acme",
            plan_id=uuid.uuid4(),
            plan_version=1,
            due_date=date(2026, 12, 10),
        )
    )
    deliver(
        AccommodationExpiredV1(
            case_id=uuid.UUID(case["id"]),
            accommodation_id=request,
            employer_org_id="acme",
            due_date=date(2026, 12, 10),
            expired_at=datetime.now(UTC),
        )
    )
    assert status_of(client, tokens, case["id"])["accommodation"]["status"] == "expired"


def test_case_created_carries_the_jobs_demands_and_nothing_clinical(client, tokens, db):
    case = client.post("/v1/cases", json=new_case(), headers=tokens.headers("tara")).json()
    with db.connect() as conn:
        payload = conn.execute(
            text("SELECT payload FROM outbox WHERE event_type = 'rtw.case.created.v1' AND key = :k"), {"k": case["id"]}
        ).scalar()
    assert '"job"' in payload and '"lift_floor_waist"' in payload and '"essential_function":"Stock shelves"' in payload
    for clinical in ("S39.012A", "lumbar_spine", "lifting a box", "Maria", "1984-03-02"):
        assert clinical not in payload
