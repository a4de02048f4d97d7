"""Reminders and escalation end to end, on the system's movable clock (never by sleeping): the
employer is reminded two business days before a request is due — once, across a kill of notify's
worker, and not at all for a request answered first; past the due date the request expires and the
therapist and the insurer are told; a graduated-schedule week starting tells the employer. Emails
checked in the SMTP sink. Real processes, Kafka, PostgreSQL and Keycloak."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

import pytest

from rtw_devstack.journey import Journey
from rtw_devstack.mail import distinct
from rtw_notify.emails.dates import day
from rtw_notify.reminders.dates import ahead_of

PRIVATE_SYSTEM = "it moves the system's clock by days and kills a worker"


@pytest.fixture(scope="module")
def journey(system, tokens):
    return Journey(system, tokens, timeout=60)


@pytest.fixture(scope="module")
def requests(journey):
    """Two published cases: one request left open, one confirmed (and applied by notify)."""
    journey.ok("POST", "notify", "/v1/contacts", "erin", expected=201, json={"email": "rtw-desk@acme.example"})
    journey.ok("POST", "notify", "/v1/contacts", "ivy", expected=201, json={"email": "claims@northwind.example"})
    made = {}
    for name in ("open", "answered"):
        case = journey.create_case()
        journey.publish_plan(journey.draft_plan(case["id"])["id"])
        made[name] = (case, journey.pending_request(case["id"]))
    journey.confirm(made["answered"][1]["id"])
    journey.eventually(lambda: kinds(journey, "tara", made["answered"][0]), "notify applied the decision")
    return made


def kinds(journey, user: str, case: dict) -> list[str]:
    items = journey.ok("GET", "notify", "/v1/notifications", user)["items"]
    return [n["kind"] for n in items if n["case_id"] == case["id"]]


def move_to(system, moment: datetime) -> None:
    system.move_clock(moment - datetime.now(UTC))


def stays(check, seconds: float = 4.0) -> bool:
    """`check()` holds now and for `seconds` more (a worker had its chance to do something wrong)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not check():
            return False
        time.sleep(0.5)
    return check()


def mail_to(rtw_infra, address: str, unique: str) -> list:
    """Mail to `address` whose text names `unique` (a request's or case's id: references repeat across
    runs), one of each message: a worker killed after sending and before recording it sends again
    under the same Message-ID (at least once, as docs/events.md says)."""
    return distinct([m for m in rtw_infra.received_mail() if address in m.recipients and unique in m.body])


@pytest.mark.slow
def test_due_soon_reminds_once_across_a_worker_kill_and_not_when_answered(journey, system, requests, rtw_infra):
    (open_case, open_request), (answered_case, _) = requests["open"], requests["answered"]
    due = date.fromisoformat(open_request["due_date"])
    system.kill("notify", "worker")
    move_to(system, ahead_of(due) + timedelta(minutes=1))
    system.start_part("notify", "worker")
    journey.eventually(lambda: "accommodation_due_soon" in kinds(journey, "erin", open_case), "the due-soon reminder")
    system.restart("notify", "worker")  # killed after firing: a restart must not fire it again
    assert stays(lambda: kinds(journey, "erin", open_case).count("accommodation_due_soon") == 1)
    assert "accommodation_due_soon" not in kinds(journey, "erin", answered_case)
    reference = open_case["reference"]
    [mail] = journey.eventually(
        lambda: [m for m in mail_to(rtw_infra, "rtw-desk@acme.example", open_request["id"]) if "Reminder" in m.subject],
        "the reminder email",
    )
    assert mail.subject.strip() == f"Reminder: accommodation request for case {reference} is due {day(due)}"
    assert mail.message_id  # what makes a resent copy recognisable as the same message
    assert f"/portal/requests/{open_request['id']}" in mail.body


@pytest.mark.slow
def test_an_unanswered_request_expires_and_the_therapist_and_insurer_are_told(journey, system, requests, rtw_infra):
    (open_case, open_request), (answered_case, _) = requests["open"], requests["answered"]
    due = date.fromisoformat(open_request["due_date"])
    # The employer's timer expires the request at the end of its due date; notify escalates.
    move_to(system, datetime.combine(due + timedelta(days=1), datetime.min.time(), UTC) + timedelta(hours=12))
    for user in ("tara", "ivy"):
        journey.eventually(
            lambda u=user: "accommodation_expired" in kinds(journey, u, open_case), f"{user} told", timeout=120
        )
    system.restart("notify", "worker")  # a restart after it was told must not tell again
    assert stays(lambda: kinds(journey, "tara", open_case).count("accommodation_expired") == 1)
    assert "accommodation_expired" not in kinds(journey, "tara", answered_case)
    for address in ("tara@clinic-north.example", "claims@northwind.example"):
        journey.eventually(
            lambda a=address: [m for m in mail_to(rtw_infra, a, open_case["id"]) if "expired" in m.subject],
            f"the expiry email to {address}",
        )


@pytest.mark.slow
def test_a_starting_schedule_week_tells_the_employer(journey, system, requests, rtw_infra):
    case, _ = requests["answered"]
    system.move_clock(timedelta(days=30))  # every week of the journey's three-week schedule has started
    weeks = journey.eventually(
        lambda: [k for k in kinds(journey, "erin", case) if k == "schedule_week_started"], "the weeks' notifications"
    )
    assert 1 <= len(weeks) <= 3
    journey.eventually(
        lambda: [m for m in mail_to(rtw_infra, "rtw-desk@acme.example", case["id"]) if "Week" in m.subject],
        "the week's email",
    )
