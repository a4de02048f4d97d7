"""Drafts start from the case (issue 22, point 5): intake's job, restrictions and latest assessment reach the
first draft — restrictions with their dates, the job's demands as goal targets, the assessment as the
plan's baseline — whatever order the events arrive in; what the therapist edited is never overwritten;
progress starts at the assessment (COPM change, capacity series, job match, the pain baseline); a draft
answers its projections before it is published."""

from __future__ import annotations

from datetime import timedelta

import pytest

from rtw_shared.events import Capacity, CopmItem, Envelope, Job, Restriction
from rtw_shared.messaging.parking import CaseNotKnownYet
from rtw_shared.testing import SESSION_DAY
from rtw_shared.uow import UnitOfWork
from rtw_workplan import worker

from .worked_example import JOB

TODAY = SESSION_DAY  # the apps under test read session_clock: never a day apart
ASSESSED = TODAY - timedelta(days=10)
START = TODAY - timedelta(days=7)
RESTRICTIONS = [
    Restriction(
        demand="lift_floor_waist",
        frequency="occasional",
        load_kg=10,
        start=ASSESSED,
        review_date=TODAY + timedelta(days=14),
        end=TODAY + timedelta(days=42),
    ),
    Restriction(demand="climb_ladder", frequency="never", start=ASSESSED),
]
MEASURED = {
    "capacities": [
        Capacity(demand="lift_floor_waist", frequency="occasional", load_kg=10),
        Capacity(demand="stand", duration_min=60),
    ],
    "pain_nrs": 3,
    "copm": [CopmItem(problem="lifting totes", importance=9, performance=3, satisfaction=2)],
}


def the_plan(client, tokens, story) -> dict:
    """The case's one plan as its therapist reads it."""
    [listed] = client.get(f"/v1/plans?case_id={story.case_id}", headers=tokens.headers("tara")).json()["items"]
    return client.get(f"/v1/plans/{listed['id']}", headers=tokens.headers("tara")).json()


def etag_of(client, tokens, plan_id) -> str:
    return client.get(f"/v1/plans/{plan_id}", headers=tokens.headers("tara")).headers["ETag"]


def goals_of(plan: dict) -> list[tuple]:
    return [(g["demand"], g["frequency"], g["baseline"], g["target"], g["unit"]) for g in plan["goals"]]


def test_the_first_draft_carries_the_cases_restrictions_job_demands_and_assessment(client, tokens, deliver, case_story):
    story = case_story()
    deliver(story.created(job=Job(**JOB)))
    deliver(story.restrictions_changed(RESTRICTIONS))
    deliver(story.assessed(ASSESSED, **MEASURED))
    plan = the_plan(client, tokens, story)
    assert plan["restrictions"] == [r.model_dump(mode="json") for r in RESTRICTIONS]  # dates kept
    # A goal per job demand: its target the demand, its baseline what the assessment measured (the frequent
    # lift derived from the occasional 10 kg: half).
    assert goals_of(plan) == [
        ("lift_floor_waist", "occasional", 10.0, 23.0, "kg"),
        ("lift_floor_waist", "frequent", 5.0, 11.0, "kg"),
        ("stand", "constant", 60.0, 480.0, "min"),
    ]
    baseline = plan["baseline"]
    assert (baseline["assessed_on"], baseline["pain_nrs"], baseline["copm"][0]["performance"]) == (
        ASSESSED.isoformat(),
        3,
        3,
    )
    assert "baseline" not in client.get(f"/v1/plans/{plan['id']}", headers=tokens.headers("ivy")).json()


def test_the_assessment_may_arrive_before_the_case_and_the_job_after_it(client, tokens, deliver, case_story):
    story = case_story()
    created = story.created(job=Job(**JOB))
    deliver(story.assessed(ASSESSED, **MEASURED))  # its snapshot makes the copy; the draft opens from it
    early = the_plan(client, tokens, story)
    assert (early["goals"], early["baseline"]["pain_nrs"], early["version"]) == ([], 3, 1)
    deliver(created)  # older snapshot, but the job it carries is kept, and the untouched goals follow it
    later = the_plan(client, tokens, story)
    assert [g[3] for g in goals_of(later)] == [23.0, 11.0, 480.0]
    assert etag_of(client, tokens, later["id"]) == '"2"'  # one change, one step


def test_a_later_assessment_refreshes_the_draft_but_never_what_the_therapist_edited(
    client, tokens, deliver, case_story
):
    story = case_story()
    deliver(story.created(job=Job(**JOB)))
    deliver(story.restrictions_changed(RESTRICTIONS))
    deliver(story.assessed(ASSESSED, **MEASURED))
    plan = the_plan(client, tokens, story)
    edited = {**plan, "restrictions": plan["restrictions"][:1]}  # the therapist drops the ladder restriction
    etag = etag_of(client, tokens, plan["id"])
    put = client.put(f"/v1/plans/{plan['id']}", json=edited, headers={**tokens.headers("tara"), "If-Match": etag})
    assert put.status_code == 200, put.text
    lifted = [Capacity(demand="lift_floor_waist", frequency="occasional", load_kg=14)]
    deliver(story.assessed(ASSESSED + timedelta(days=3), capacities=lifted, pain_nrs=2))
    deliver(story.restrictions_changed([*RESTRICTIONS[:1], Restriction(demand="kneel", frequency="never")]))
    refreshed = the_plan(client, tokens, story)
    assert (refreshed["baseline"]["pain_nrs"], refreshed["baseline"]["assessed_on"]) == (
        2,
        (ASSESSED + timedelta(days=3)).isoformat(),
    )
    assert [g[2] for g in goals_of(refreshed)] == [14.0, 7.0, 0.0]  # untouched goals: the new baselines
    assert refreshed["restrictions"] == edited["restrictions"]  # edited: the case's new list is not forced on it
    # An older assessment arriving late changes nothing (nor the ETag).
    before = etag_of(client, tokens, refreshed["id"])
    deliver(story.assessed(ASSESSED - timedelta(days=1), capacities=[], pain_nrs=7))
    assert etag_of(client, tokens, refreshed["id"]) == before


def test_restriction_lists_arriving_out_of_order_keep_the_newest(client, tokens, deliver, case_story):
    story = case_story()
    deliver(story.created())
    newer_first = story.restrictions_changed(RESTRICTIONS)
    newest = story.restrictions_changed(RESTRICTIONS[:1])
    deliver(newest)
    deliver(newer_first)  # late and older
    assert the_plan(client, tokens, story)["restrictions"] == [RESTRICTIONS[0].model_dump(mode="json")]


def test_an_assessment_of_a_case_never_seen_without_a_snapshot_waits_for_it(
    session_factory, case_story, workplan_settings
):
    story = case_story()
    event = story.assessed(ASSESSED, **MEASURED).data.model_copy(update={"case": None})
    handle = worker.spec(workplan_settings).handlers.handler_for(event.TYPE)
    with UnitOfWork(session_factory, source="workplan") as uow, pytest.raises(CaseNotKnownYet):
        handle(uow, [Envelope(source="intake", data=event)])


def test_a_draft_answers_its_projections_before_it_is_published(client, tokens, deliver, case_story):
    story = case_story()
    deliver(story.created(job=Job(**JOB)))
    plan = the_plan(client, tokens, story)
    body = {
        **plan,
        "start_date": START.isoformat(),
        "phases": [
            {
                "name": "Work hardening",
                "start_week": 1,
                "end_week": 4,
                "sessions_per_week": 3,
                "minutes_per_session": 90,
            }
        ],
        "schedule": [
            {"week": 1, "hours_per_day": 4, "days_per_week": 5, "duties": "modified"},
            {"week": 2, "hours_per_day": 8, "days_per_week": 5, "duties": "full"},
        ],
    }
    put = client.put(f"/v1/plans/{plan['id']}", json=body, headers=tokens.headers("tara"))
    assert put.status_code == 200, put.text
    put = put.json()
    read = client.get(f"/v1/plans/{plan['id']}", headers=tokens.headers("tara")).json()
    ready = START + timedelta(days=28)  # no observation yet: the end of the phases
    schedule_start = ready + timedelta(days=7 - ready.weekday())
    expected = {
        "projected_cost": 175.0 + 12 * 120.0,
        "projected_readiness_date": ready.isoformat(),
        "projected_rtw_date": (schedule_start + timedelta(days=14)).isoformat(),
        "schedule_start_date": schedule_start.isoformat(),
    }
    assert put["projections"] == read["projections"] == expected
    assert read["status"] == "draft" and read["schedule_start_date"] is None  # the draft's own: none yet
    assert [(w["starts_on"], w["ends_on"]) for w in read["schedule"]] == [
        (schedule_start.isoformat(), (schedule_start + timedelta(days=6)).isoformat()),
        ((schedule_start + timedelta(days=7)).isoformat(), (schedule_start + timedelta(days=13)).isoformat()),
    ]
    insurer = client.get(f"/v1/plans/{plan['id']}", headers=tokens.headers("ivy")).json()
    assert insurer["projections"] == expected


PLAN = {
    "start_date": START.isoformat(),
    "schedule_start_date": TODAY.isoformat(),
    "phases": [
        {
            "name": "Work hardening",
            "start_week": 1,
            "end_week": 4,
            "sessions_per_week": 3,
            "minutes_per_session": 90,
            "activities": [{"kind": "work_simulation", "demand": "lift_floor_waist", "load_kg": 10, "reps": 10}],
        }
    ],
    "schedule": [{"week": 1, "hours_per_day": 4, "days_per_week": 5, "duties": "modified"}],
    "accommodations": [],
}


@pytest.fixture
def assessed_and_published(client, tokens, deliver, case_story):
    """A case assessed 10 days ago (lift 10 kg, stand 60 min, pain 3, COPM 3/2), its draft filled and published."""
    story = case_story()
    deliver(story.created(job=Job(**JOB)))
    deliver(story.assessed(ASSESSED, **MEASURED))
    plan = the_plan(client, tokens, story)
    filled = client.put(f"/v1/plans/{plan['id']}", json={**plan, **PLAN}, headers=tokens.headers("tara"))
    assert filled.status_code == 200, filled.text
    published = client.post(f"/v1/plans/{plan['id']}/publish", headers=tokens.headers("tara"))
    if published.status_code == 422:
        codes = [w["code"] for w in published.json()["warnings"]]
        published = client.post(
            f"/v1/plans/{plan['id']}/publish", json={"acknowledge": codes}, headers=tokens.headers("tara")
        )
    assert published.status_code == 200, published.text
    return story, published.json()


def test_progress_starts_at_the_assessment(client, tokens, assessed_and_published):
    _, plan = assessed_and_published
    plan_id = plan["id"]
    report = client.get(f"/v1/plans/{plan_id}/progress", headers=tokens.headers("tara")).json()
    lines = {(c["demand"], c["frequency"]): c for c in report["capacity"]}
    # Before any session, the assessment is each capacity's first observation, and the job match reads it.
    assert lines[("lift_floor_waist", "occasional")]["series"] == [{"date": ASSESSED.isoformat(), "value": 10.0}]
    assert (lines[("stand", "constant")]["current"], report["job_match"]["met"]) == (60.0, 0)
    assert report["copm"]["first"] == {"performance": 3.0, "satisfaction": 2.0} and report["copm"]["change"] is None
    review = {
        "date": TODAY.isoformat(),
        "gas": [{"goal_id": plan["goals"][0]["id"], "attainment": 0}],
        "copm": [{"problem": "lifting totes", "importance": 9, "performance": 6, "satisfaction": 5}],
    }
    assert client.post(f"/v1/plans/{plan_id}/reviews", json=review, headers=tokens.headers("tara")).status_code == 201
    after = client.get(f"/v1/plans/{plan_id}/progress", headers=tokens.headers("tara")).json()
    # The first review's COPM is compared with the assessment's: a change after the first review.
    assert after["copm"]["change"] == {
        "performance": 3.0,
        "satisfaction": 3.0,
        "performance_important": True,
        "satisfaction_important": True,
    }


def test_pain_is_compared_with_the_assessments_pain(client, tokens, assessed_and_published):
    plan_id = assessed_and_published[1]["id"]
    lift = {
        "kind": "work_simulation",
        "demand": "lift_floor_waist",
        "prescribed": {"load_kg": 10, "reps": 10},
        "achieved": {"load_kg": 10, "reps": 10},
    }
    # Pain 5 before and 5 after: no rise within the session, but 2 above the assessment's 3: regress.
    body = {"date": START.isoformat(), "minutes": 90, "pain_before": 5, "pain_after": 5, "activities": [lift]}
    logged = client.post(f"/v1/plans/{plan_id}/sessions", json=body, headers=tokens.headers("tara")).json()
    [recommendation] = logged["recommendations"]
    assert (recommendation["action"], recommendation["information"]) == ("regress", None)
    assert "baseline of 3" in recommendation["reason"]


def test_a_revision_follows_the_cases_new_restrictions_unless_the_plan_changed_them(
    client, tokens, deliver, assessed_and_published
):
    story, plan = assessed_and_published
    # The published plan holds the case's restrictions (none): the case's new list reaches the next revision,
    # and the revision's open draft keeps following the case.
    deliver(story.restrictions_changed(RESTRICTIONS[:1]))
    revision = client.post(f"/v1/plans/{plan['id']}/revisions", headers=tokens.headers("tara")).json()
    assert revision["restrictions"] == [RESTRICTIONS[0].model_dump(mode="json")]
    assert revision["changes"] == ["restrictions"] and revision["baseline"] == plan["baseline"]
    deliver(story.restrictions_changed(RESTRICTIONS))
    followed = client.get(f"/v1/plans/{revision['id']}", headers=tokens.headers("tara")).json()
    assert len(followed["restrictions"]) == 2
    # Once the therapist changed them, the case's next list is not forced on the draft.
    mine = [{"demand": "carry", "frequency": "occasional", "load_kg": 12}]
    edited = client.put(
        f"/v1/plans/{revision['id']}", json={**followed, "restrictions": mine}, headers=tokens.headers("tara")
    )
    assert edited.status_code == 200, edited.text
    deliver(story.restrictions_changed(RESTRICTIONS[1:]))
    kept = client.get(f"/v1/plans/{revision['id']}", headers=tokens.headers("tara")).json()
    assert [r["demand"] for r in kept["restrictions"]] == ["carry"]
    # A later assessment does not move a revision's baseline: treatment began with the first one.
    deliver(story.assessed(TODAY, capacities=[], pain_nrs=1))
    assert (
        client.get(f"/v1/plans/{revision['id']}", headers=tokens.headers("tara")).json()["baseline"] == plan["baseline"]
    )
