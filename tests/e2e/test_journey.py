"""One case from the therapist to the employer's decision, the insurer's status and the
notifications — through the outbox, real Kafka and real Keycloak; and the README's journey, run as
written against this system."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from rtw_devstack.journey import Journey

REPO = Path(__file__).resolve().parents[2]


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
    # The published plan walked the case from referred: the status never contradicts the work.
    assert (status["status"], status["reference"], status["claim_number"]) == (
        "plan_active",
        case["reference"],
        case["claim"]["claim_number"],
    )
    timeline = journey.ok("GET", "intake", f"/v1/cases/{case['id']}/timeline", "ivy")["items"]
    assert [e["summary"] for e in timeline if e["kind"] == "case.status_changed"] == [
        "Status referred → assessing: plan version 1 was published",
        "Status assessing → plan_active: plan version 1 was published",
    ]
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


def readme_journey() -> str:
    """The bash block of the README's "For API users: the journey with curl", as a reader would paste it."""
    readme = (REPO / "README.md").read_text()
    section = readme[readme.index("## For API users: the journey with curl") :]
    return section[section.index("```bash\n") + len("```bash\n") : section.index("\n```\n")]


@pytest.mark.slow
def test_the_readmes_journey_run_as_written_leaves_the_case_plan_active_and_the_request_confirmed(
    journey, system, rtw_infra, tmp_path
):
    script = readme_journey()
    # The same commands, pointed at this private system instead of `make up`'s ports.
    for name, port in (("intake", 8101), ("workplan", 8102), ("employer", 8103), ("notify", 8104)):
        script = script.replace(f"http://127.0.0.1:{port}", system.url(name))
    script = script.replace("http://127.0.0.1:58080", rtw_infra.keycloak_url)
    script = script.replace(".venv/bin/python", sys.executable)
    assert "127.0.0.1:81" not in script.replace(system.url("intake"), "")
    done = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", f"cd {tmp_path}\n{script}"],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    status = json.loads(done.stdout.strip().splitlines()[-1])
    assert (status["status"], status["accommodation"]["status"], status["plan"]["status"]) == (
        "plan_active",
        "confirmed",
        "published",
    )
    claim = json.loads((tmp_path / "case.json").read_text())["claim"]["claim_number"]
    assert re.fullmatch(r"WC-2026-[0-9A-F]{8}", claim) and status["claim_number"] == claim
    request = journey.ok("GET", "employer", "/v1/accommodations", "erin", params={"status": "confirmed"})["items"]
    assert [r["status"] for r in request if r["case_id"] == status["case_id"]] == ["confirmed"]
