"""Notify's copy of a case keeps the insurer's claim number from every snapshot (the restrictions and
return-date events' too), so webhooks name the case in each receiver's own terms; a projected
return-to-work date change reaches the insurer's receiver and never the employer's; a request a newer
plan version replaced is told as such. Real database, tokens and an HTTP receiver on loopback."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import text

from rtw_notify.webhooks.sender import WebhookSender
from rtw_shared.events import AccommodationWithdrawnV1, CaseRestrictionsChangedV1, CaseRtwDateChangedV1, Restriction
from rtw_shared.worker import LoopContext


def claim_number_of(engine, case_id) -> str | None:
    with engine.connect() as conn:
        return conn.execute(text("SELECT claim_number FROM cases WHERE case_id = :c"), {"c": case_id}).scalar_one()


def rtw_date_changed(case, version: int, claim_number: str, **consents: bool) -> CaseRtwDateChangedV1:
    snapshot = case.case.model_copy(
        update={
            "version": version,
            "claim_number": claim_number,
            "consents": case.case.consents.model_copy(update=consents),
        }
    )
    return CaseRtwDateChangedV1(
        case_id=case.case_id,
        case=snapshot,
        from_date=date(2027, 1, 15),
        to_date=date(2027, 1, 29),
        reason="the graduated return moved by two weeks",
    )


def test_the_copy_keeps_the_newest_snapshots_claim_number_whatever_event_carries_it(apply, events, subject_of, engine):
    case = events.case_created(therapist_id=subject_of("tara"))
    apply(case)
    assert claim_number_of(engine, case.case_id) == case.case.claim_number
    restrictions = CaseRestrictionsChangedV1(
        case_id=case.case_id,
        case=case.case.model_copy(update={"version": 2, "claim_number": "WC-2"}),
        restrictions=[Restriction(demand="stoop")],
    )
    apply(restrictions)
    assert claim_number_of(engine, case.case_id) == "WC-2"
    apply(rtw_date_changed(case, 3, "WC-3"))
    assert claim_number_of(engine, case.case_id) == "WC-3"
    apply(restrictions)  # an older snapshot, late: changes nothing
    assert claim_number_of(engine, case.case_id) == "WC-3"


@pytest.fixture
def send(engine, notify_settings, clock):
    """Send every due webhook delivery now; how many were attempted."""
    sender = WebhookSender(LoopContext(engine, notify_settings, clock))
    return sender.send_due_once


def subscribe(client, tokens, user: str, url: str, *types: str) -> dict:
    answer = client.post("/v1/webhooks", json={"url": url, "events": list(types)}, headers=tokens.headers(user))
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_a_projected_return_date_reaches_the_insurer_by_claim_number_and_never_the_employer(
    apply, events, subject_of, client, tokens, receiver, send
):
    insurer = subscribe(client, tokens, "ivy", receiver.url + "?to=insurer", "rtw.case.rtw_date_changed.v1")
    subscribe(client, tokens, "erin", receiver.url + "?to=employer", "rtw.case.rtw_date_changed.v1")
    case = events.case_created(therapist_id=subject_of("tara"))
    apply(case)
    apply(rtw_date_changed(case, 2, case.case.claim_number))
    assert send() == 1  # the insurer's delivery only: the employer's subscription gets none
    [received] = receiver.requests
    assert received["path"].endswith("?to=insurer")
    body = json.loads(received["body"])
    assert body["type"] == "rtw.case.rtw_date_changed.v1"
    assert body["data"] == {
        "case_id": str(case.case_id),
        "reference": case.reference,
        "claim_number": case.case.claim_number,
        "from_date": "2027-01-15",
        "to_date": "2027-01-29",
        "reason": "the graduated return moved by two weeks",
    }
    apply(rtw_date_changed(case, 3, case.case.claim_number, share_status_with_insurer=False))
    assert send() == 0 and len(receiver.requests) == 1  # without the worker's consent: nothing
    assert insurer["events"] == ["rtw.case.rtw_date_changed.v1"]


def test_the_employers_receiver_gets_the_reference_but_never_the_claim_number(
    apply, events, subject_of, client, tokens, receiver, send
):
    subscribe(client, tokens, "erin", receiver.url, "rtw.accommodation.requested.v1")
    case = events.case_created(therapist_id=subject_of("tara"))
    apply(case)
    apply(events.requested(case))
    assert send() == 1
    data = json.loads(receiver.requests[0]["body"])["data"]
    assert data["reference"] == case.reference
    assert "claim_number" not in data and case.case.claim_number not in receiver.requests[0]["body"]


def test_a_request_a_newer_plan_version_replaced_is_told_as_such(apply, events, subject_of, inbox):
    case = events.case_created(therapist_id=subject_of("tara"))
    apply(case)
    request = events.requested(case)
    apply(request)
    apply(
        AccommodationWithdrawnV1(
            case_id=case.case_id,
            accommodation_id=request.accommodation_id,
            employer_org_id="acme",
            reason="plan version 2 replaced it",
            replaced_by_version=2,
        )
    )
    withdrawn = next(n for n in inbox("erin") if n["kind"] == "accommodation_withdrawn")
    assert withdrawn["body"].startswith("Version 2 of the plan replaced this request")
    assert "withdrawn or closed" not in withdrawn["body"]
