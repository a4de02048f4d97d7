"""The walking-skeleton journey, step by step over HTTP with real tokens (used by the end-to-end
tests and the latency benchmark)."""

from __future__ import annotations

import copy
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

from rtw_shared.testing import wait_for

if TYPE_CHECKING:
    from rtw_shared.testing import Tokens

    from .system import System

T = TypeVar("T")
# A JSON object an API answered.
Json = dict[str, Any]

CASE: Json = {
    "worker": {"given_name": "Maria", "family_name": "Lopez", "date_of_birth": "1984-03-02"},
    "claim": {
        "claim_number": "WC-2026-0042",
        "insurer_org_id": "northwind",
        "injury_date": "2026-10-14",
        "mechanism": "lifting a box from the floor",
        "body_parts": ["lumbar_spine"],
        "diagnosis_codes": ["S39.012A"],
    },
    "employment": {
        "employer_org_id": "acme",
        "job_title": "Warehouse associate",
        "onet_soc_code": "53-7065.00",
        "dot_strength_level": "medium",
        "hours_per_day": 8,
        "days_per_week": 5,
        "essential_functions": [
            {
                "name": "Stock shelves",
                "demands": [
                    {"demand": "lift_floor_waist", "frequency": "occasional", "load_kg": 20},
                    {"demand": "stand", "frequency": "constant", "duration_min": 120},
                ],
            }
        ],
    },
}


def new_case(claim_number: str | None = None) -> Json:
    """CASE with a claim number of its own (a fresh one unless given): an insurer's claim is registered
    once, so a second case with CASE's own number is refused (409)."""
    body = copy.deepcopy(CASE)
    body["claim"]["claim_number"] = claim_number or f"WC-2026-{uuid.uuid4().hex[:8].upper()}"
    return body


PLAN: Json = {
    "goals": [
        {
            "demand": "lift_floor_waist",
            "baseline": 5,
            "target": 20,
            "unit": "kg",
            "description": "Lift a 20 kg tote from floor to waist, occasionally",
        }
    ],
    "phases": [
        {
            "name": "Conditioning",
            "start_week": 1,
            "end_week": 2,
            "sessions_per_week": 3,
            "minutes_per_session": 90,
            "activities": [
                {"kind": "work_simulation", "demand": "lift_floor_waist", "load_kg": 7.5, "reps": 10, "sets": 3}
            ],
        }
    ],
    "schedule": [
        {"week": 1, "hours_per_day": 4, "days_per_week": 5, "duties": "modified"},
        {"week": 2, "hours_per_day": 6, "days_per_week": 5, "duties": "modified"},
        {"week": 3, "hours_per_day": 8, "days_per_week": 5, "duties": "full"},
    ],
    "restrictions": [{"demand": "lift_floor_waist", "frequency": "occasional", "load_kg": 10}],
    "accommodations": [
        {"category": "modified_duties", "description": "No floor-level lifting over 10 kg"},
        {"category": "rest_breaks", "description": "10-minute break every hour"},
    ],
}


class Journey:
    def __init__(self, system: System, tokens: Tokens, timeout: float = 30.0, poll_interval: float = 0.05):
        self.system, self.tokens, self.timeout, self.poll_interval = system, tokens, timeout, poll_interval
        self.http = httpx.Client(timeout=10)

    def call(
        self, method: str, service: str, path: str, user: str, *, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> httpx.Response:
        """`kwargs`: httpx's request options (`json=`, `params=`…)."""
        headers = {"Authorization": f"Bearer {self.tokens.user(user)}", **(headers or {})}
        return self.http.request(method, self.system.url(service) + path, headers=headers, **kwargs)

    def etag(self, service: str, path: str, user: str) -> dict[str, str]:
        """`If-Match` with the ETag a read of `path` answers now (every write the project ships sends one)."""
        return {"If-Match": self.call("GET", service, path, user).headers["ETag"]}

    def ok(self, method: str, service: str, path: str, user: str, expected: int = 200, **kwargs: Any) -> Json:
        response = self.call(method, service, path, user, **kwargs)
        assert response.status_code == expected, f"{method} {path} as {user}: {response.status_code} {response.text}"
        body: Json = response.json()
        return body

    def eventually(self, fetch: Callable[[], T | None], what: str, timeout: float | None = None) -> T:
        """Poll `fetch` until it returns something truthy; fail naming `what` otherwise."""
        found: list[T | None] = []

        def fetched() -> T | None:
            found.append(fetch())
            return found[-1]

        assert wait_for(fetched, timeout or self.timeout, self.poll_interval), f"timed out waiting for {what}"
        result = found[-1]
        assert result is not None  # truthy, as wait_for saw it
        return result

    def create_case(self) -> Json:
        """tara opens a case like CASE, with a claim number of its own."""
        return self.ok("POST", "intake", "/v1/cases", "tara", expected=201, json=new_case())

    def draft_plan(self, case_id: str) -> Json:
        items: list[Json] = self.eventually(
            lambda: self.ok("GET", "workplan", f"/v1/plans?case_id={case_id}", "tara")["items"], "the draft plan"
        )
        assert len(items) == 1 and items[0]["status"] == "draft"
        return items[0]

    def publish_plan(self, plan_id: str) -> Json:
        path = f"/v1/plans/{plan_id}"
        self.ok("PUT", "workplan", path, "tara", json=PLAN, headers=self.etag("workplan", path, "tara"))
        return self.ok("POST", "workplan", f"{path}/publish", "tara", headers=self.etag("workplan", path, "tara"))

    def pending_request(self, case_id: str) -> Json:
        def find() -> list[Json]:
            items: list[Json] = self.ok("GET", "employer", "/v1/accommodations?status=requested", "erin")["items"]
            return [i for i in items if i["case_id"] == case_id]

        found = self.eventually(find, "the accommodation request")
        assert len(found) == 1
        return found[0]

    def confirm(self, accommodation_id: str) -> tuple[Json, float]:
        path = f"/v1/accommodations/{accommodation_id}"
        decided = self.ok(
            "POST",
            "employer",
            f"{path}/decision",
            "erin",
            headers=self.etag("employer", path, "erin"),
            json={"decision": "confirmed", "note": "Team lead briefed; pallet jack available"},
        )
        return decided, time.perf_counter()

    def status_when(self, case_id: str, user: str, accommodation_status: str) -> Json:
        def status_if_reached() -> Json | None:
            status = self.ok("GET", "intake", f"/v1/cases/{case_id}/status", user)
            return status if status["accommodation"]["status"] == accommodation_status else None

        return self.eventually(status_if_reached, f"status showing the accommodation {accommodation_status}")
