"""The attestation is pure: the same content always hashes the same, any change hashes differently."""

from __future__ import annotations

import hashlib
import uuid
from datetime import date

from rtw_employer.accommodations.attestation import attest
from rtw_employer.accommodations.models import AccommodationRequest

IDS = {"id": uuid.UUID(int=1), "case_id": uuid.UUID(int=2), "plan_id": uuid.UUID(int=3)}


def request(**changes) -> AccommodationRequest:
    content = {
        **IDS,
        "plan_version": 1,
        "due_date": date(2026, 12, 3),
        "restrictions": [{"demand": "sit", "frequency": "occasional", "load_kg": None, "duration_min": 30.0}],
        "schedule": [{"week": 1, "hours_per_day": 4.0, "days_per_week": 5, "duties": "modified"}],
        "accommodations": [{"category": "rest_breaks", "description": "10 minutes hourly"}],
        "status": "requested",
        "note": None,
    }
    return AccommodationRequest(**{**content, **changes})


def test_the_attestation_is_the_sha256_of_the_canonical_json():
    expected = (
        '{"accommodations":[{"category":"rest_breaks","description":"10 minutes hourly"}],'
        '"case_id":"00000000-0000-0000-0000-000000000002","due_date":"2026-12-03",'
        '"id":"00000000-0000-0000-0000-000000000001","plan_id":"00000000-0000-0000-0000-000000000003",'
        '"plan_version":1,"restrictions":[{"demand":"sit","duration_min":30.0,"frequency":"occasional",'
        '"load_kg":null}],"schedule":[{"days_per_week":5,"duties":"modified","hours_per_day":4.0,"week":1}]}'
    )
    assert attest(request()) == hashlib.sha256(expected.encode()).hexdigest()


def test_the_answer_is_not_attested_but_every_asked_detail_is():
    assert attest(request(status="confirmed", note="briefed")) == attest(request())
    assert attest(request(plan_version=2)) != attest(request())
    assert attest(request(due_date=date(2026, 12, 4))) != attest(request())
