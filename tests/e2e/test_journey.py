"""One case from the therapist to the employer's decision, the insurer's status and the
notifications — through the outbox, real Kafka and real Keycloak."""

from __future__ import annotations

import httpx
import pytest

from rtw_devstack.journey import Journey


@pytest.fixture
def journey(system, tokens):
    return Journey(system, tokens)


def test_case_travels_from_therapist_to_employer_insurer_and_notifications(journey, system, tokens, rtw_infra):
    case = journey.create_case()
    plan = journey.draft_plan(case["id"])

    published = journey.publish_plan(plan["id"])
    assert published["status"] == "published"

    request = journey.pending_request(case["id"])
    opened = journey.ok("GET", "employer", f"/v1/accommodations/{request['id']}", "erin")
    assert opened["worker_name"] == "Maria Lopez" and opened["job_title"] == "Warehouse associate"
    for clinical in ("diagnosis", "S39.012A", "mechanism", "lumbar_spine", "date_of_birth", "1984-03-02"):
        assert clinical not in str(opened)

    decided, _ = journey.confirm(request["id"])
    assert decided["status"] == "confirmed"

    status = journey.status_when(case["id"], "ivy", "confirmed")
    assert status["plan"]["status"] == "published" and status["plan"]["version"] == 1
    assert status["projected_rtw_date"] is not None and status["cost"]["projected"] > 0

    machine = tokens.client("northwind-api", "northwind-secret")
    by_machine = httpx.get(
        f"{system.url('intake')}/v1/cases/{case['id']}/status", headers={"Authorization": f"Bearer {machine}"}
    )
    assert by_machine.status_code == 200 and by_machine.json()["accommodation"]["status"] == "confirmed"
    assert journey.call("GET", "intake", f"/v1/cases/{case['id']}/status", "ian").status_code == 404

    for_erin = journey.eventually(
        lambda: [
            n for n in journey.ok("GET", "notify", "/v1/notifications", "erin")["items"] if n["case_id"] == case["id"]
        ],
        "erin's notification",
    )
    assert [n["kind"] for n in for_erin] == ["accommodation_requested"]
    for_tara = journey.eventually(
        lambda: [
            n for n in journey.ok("GET", "notify", "/v1/notifications", "tara")["items"] if n["case_id"] == case["id"]
        ],
        "tara's notification",
    )
    assert len(for_tara) == 1
    assert journey.ok("GET", "notify", "/v1/notifications", "evan")["items"] == [] or all(
        n["case_id"] != case["id"] for n in journey.ok("GET", "notify", "/v1/notifications", "evan")["items"]
    )

    mail = journey.eventually(
        lambda: [m for m in rtw_infra.received_mail() if case["id"] in m.body], "the therapist's email"
    )
    assert len(mail) == 1 and mail[0].recipients == ["tara@clinic-north.example"]
