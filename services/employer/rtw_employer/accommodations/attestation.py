"""The attestation: a hash of exactly the request content a decision was made on, so a person
can later show which version they confirmed (recompute it from the request and compare)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from .models import AccommodationRequest


def attested_content(request: AccommodationRequest) -> dict[str, Any]:
    """What was decided on: the request's identity and everything it asks. Never the answer itself."""
    return {
        "id": str(request.id),
        "case_id": str(request.case_id),
        "plan_id": str(request.plan_id),
        "plan_version": request.plan_version,
        "restrictions": request.restrictions,
        "schedule": request.schedule,
        "accommodations": request.accommodations,
        "due_date": request.due_date.isoformat(),
    }


def canonical_json(content: dict[str, Any]) -> str:
    """One spelling per content: sorted keys, no whitespace."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"))


def attest(request: AccommodationRequest) -> str:
    """sha256 hex of the canonical JSON of the attested content."""
    return hashlib.sha256(canonical_json(attested_content(request)).encode()).hexdigest()


def agreed_content(request: AccommodationRequest) -> dict[str, Any]:
    """What a therapist's acceptance of a counter-proposal agrees to: the request, and the counter it accepts."""
    return {**attested_content(request), "agreed": request.counter}


def attest_agreement(request: AccommodationRequest) -> str:
    """sha256 hex of the canonical JSON of the request together with the counter-proposal accepted."""
    return hashlib.sha256(canonical_json(agreed_content(request)).encode()).hexdigest()
