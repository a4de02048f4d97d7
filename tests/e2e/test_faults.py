"""The journey while workers are killed (SIGKILL) and restarted mid-way: every effect happens
exactly once — nothing lost, nothing applied twice."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from rtw_devstack.journey import Journey

PRIVATE_SYSTEM = "it kills workers mid-journey"

CASES = 6


def counts(system, service: str, sql: str) -> dict:
    """{case_id: count} from one service's own database."""
    engine = create_engine(system.services[service].env[f"RTW_{service.upper()}_DATABASE_URL"])
    with engine.connect() as conn:
        rows = conn.execute(text(sql)).all()
    engine.dispose()
    return {str(case_id): n for case_id, n in rows}


def run_journey_with_kills(journey, system) -> list[dict]:
    """Six cases through the journey; workers are SIGKILLed and restarted at three moments."""
    cases = []
    for n in range(CASES):
        cases.append(journey.create_case())
        if n == CASES // 2:
            system.restart("intake", "worker")  # relay killed with rows still in the outbox
    plans = [journey.draft_plan(c["id"]) for c in cases]
    for n, plan in enumerate(plans):
        journey.publish_plan(plan["id"])
        if n == CASES // 2:
            system.restart("workplan", "worker")
            system.restart("employer", "worker")  # consumer killed between events
    requests = [journey.pending_request(c["id"]) for c in cases]
    for n, request in enumerate(requests):
        journey.confirm(request["id"])
        if n == CASES // 2:
            system.restart("notify", "worker")
            system.restart("intake", "worker")
    for case in cases:
        journey.status_when(case["id"], "ivy", "confirmed")
    return cases


def mails_per_case(rtw_infra, cases) -> dict:
    received = rtw_infra.received_mail()
    return {c["id"]: sum(c["id"] in m.body for m in received) for c in cases}


@pytest.mark.slow
def test_killing_workers_mid_journey_loses_nothing_and_duplicates_nothing(system, tokens, rtw_infra):
    journey = Journey(system, tokens, timeout=90)
    cases = run_journey_with_kills(journey, system)
    once = dict.fromkeys((c["id"] for c in cases), 1)
    sent = "SELECT case_id, count(*) FROM emails WHERE status = 'sent' GROUP BY case_id"
    journey.eventually(lambda: counts(system, "notify", sent) == once, "every email sent")
    assert counts(system, "workplan", "SELECT case_id, count(*) FROM plans GROUP BY case_id") == once
    assert counts(system, "employer", "SELECT case_id, count(*) FROM accommodation_requests GROUP BY case_id") == once
    assert counts(system, "notify", "SELECT case_id, count(*) FROM notifications GROUP BY case_id") == {
        case_id: 2 for case_id in once
    }
    # SMTP cannot be exactly-once on the wire: a resend after a crash would reuse the Message-ID.
    assert all(n >= 1 for n in mails_per_case(rtw_infra, cases).values())
