"""Issue 7 across all four services as processes, through real Kafka and Keycloak: a consent
withdrawn in intake takes effect in every service and a re-grant shows everything again; a
withdrawn case ends the work everywhere; every service's audit chain holds the reads."""

from __future__ import annotations

import pytest

from rtw_devstack.journey import Journey

DIAGNOSIS_MARKERS = ("S39.012A", "lumbar_spine", "lifting a box from the floor", "1984-03-02")


@pytest.fixture
def journey(system, tokens):
    return Journey(system, tokens)


@pytest.fixture
def published(journey):
    """A case with its plan published and the employer's request open: (case, plan, request)."""
    case = journey.create_case()
    plan = journey.draft_plan(case["id"])
    journey.publish_plan(plan["id"])
    request = journey.pending_request(case["id"])
    # Intake moves the case to plan_active when it hears of the plan, in its own time: wait for it, or a
    # test's If-Match read before that move is stale by the time it writes.
    journey.eventually(
        lambda: journey.ok("GET", "intake", f"/v1/cases/{case['id']}", "tara")["status"] == "plan_active",
        "intake moving the case to plan_active",
    )
    return case, plan, request


def set_consents(journey, case_id: str, *, employer: bool, insurer: bool) -> None:
    etag = journey.call("GET", "intake", f"/v1/cases/{case_id}", "tara").headers["ETag"]
    body = {
        "share_restrictions_with_employer": {"granted": employer, "evidence": "signed form WD-12"},
        "share_status_with_insurer": {"granted": insurer, "evidence": "signed form WD-12"},
    }
    answer = journey.call(
        "PUT", "intake", f"/v1/cases/{case_id}/consents", "tara", json=body, headers={"If-Match": etag}
    )
    assert answer.status_code == 200, answer.text


def insurer_reads(journey, case, plan, request) -> dict[str, int]:
    """What ivy (the case's insurer) gets from each service's read paths."""
    paths = {
        ("intake", f"/v1/cases/{case['id']}"),
        ("intake", f"/v1/cases/{case['id']}/status"),
        ("intake", f"/v1/cases/{case['id']}/timeline"),
        ("workplan", f"/v1/plans/{plan['id']}"),
        ("employer", f"/v1/accommodations/{request['id']}"),
    }
    answers = {f"{service}{path}": journey.call("GET", service, path, "ivy").status_code for service, path in paths}
    lists = {
        ("intake", "/v1/cases"),
        ("workplan", f"/v1/plans?case_id={case['id']}"),
        ("employer", "/v1/accommodations"),
    }
    for service, path in lists:
        items = journey.ok("GET", service, path, "ivy")["items"]
        answers[f"{service}{path} lists it"] = any(case["id"] in (i.get("case_id"), i.get("id")) for i in items)
    return answers


def employer_sees_the_worker(journey, request) -> bool:
    shown = journey.ok("GET", "employer", f"/v1/accommodations/{request['id']}", "erin")
    for marker in DIAGNOSIS_MARKERS:
        assert marker not in str(shown)
    return bool(shown["worker_name"] and shown["restrictions"] and shown["schedule"] and shown["restrictions_shared"])


def test_withdrawing_consent_takes_effect_in_every_service_and_re_granting_restores_it(journey, published):
    case, plan, request = published
    granted = insurer_reads(journey, case, plan, request)
    assert set(granted.values()) <= {200, True}, granted
    assert employer_sees_the_worker(journey, request)

    set_consents(journey, case["id"], employer=False, insurer=False)

    def insurer_shut_out():
        reads = insurer_reads(journey, case, plan, request)
        return reads if set(reads.values()) <= {404, False} else None

    assert len(journey.eventually(insurer_shut_out, "the insurer losing sight of the case")) == 8
    journey.eventually(lambda: not employer_sees_the_worker(journey, request), "the employer losing the worker")
    hidden = journey.ok("GET", "employer", f"/v1/accommodations/{request['id']}", "erin")
    assert (hidden["worker_name"], hidden["job_title"], hidden["restrictions"], hidden["schedule"]) == (
        None,
        None,
        [],
        [],
    )
    assert hidden["accommodations"] == request["accommodations"]  # what is asked of the workplace stays
    assert journey.ok("GET", "intake", f"/v1/cases/{case['id']}", "erin")["worker"] is None

    set_consents(journey, case["id"], employer=True, insurer=True)
    journey.eventually(
        lambda: set(insurer_reads(journey, case, plan, request).values()) <= {200, True},
        "the insurer seeing the case again",
    )
    journey.eventually(lambda: employer_sees_the_worker(journey, request), "the employer seeing the worker again")


def test_a_withdrawn_case_ends_the_work_everywhere_and_everyone_hears(journey, published):
    case, plan, request = published
    etag = journey.call("GET", "intake", f"/v1/cases/{case['id']}", "tara").headers["ETag"]
    moved = journey.call(
        "POST",
        "intake",
        f"/v1/cases/{case['id']}/transitions",
        "tara",
        json={"to": "withdrawn", "reason": "worker moved away"},
        headers={"If-Match": etag},
    )
    assert moved.status_code == 200, moved.text

    ended = journey.eventually(
        lambda: (
            (r := journey.ok("GET", "employer", f"/v1/accommodations/{request['id']}", "erin"))["status"] == "withdrawn"
            and r
        ),
        "request withdrawn",
    )
    assert "withdrawn" in ended["withdrawn_reason"] and "moved away" not in ended["withdrawn_reason"]
    refused = journey.call(
        "POST", "employer", f"/v1/accommodations/{request['id']}/decision", "erin", json={"decision": "confirmed"}
    )
    assert refused.status_code == 409 and "withdrawn" in refused.json()["detail"]
    journey.eventually(
        lambda: journey.ok("GET", "workplan", f"/v1/plans/{plan['id']}", "tara")["status"] == "cancelled",
        "the plan cancelled",
    )
    status = journey.eventually(
        lambda: (
            (s := journey.ok("GET", "intake", f"/v1/cases/{case['id']}/status", "ivy"))["plan"]["status"] == "cancelled"
            and s["accommodation"]["status"] == "withdrawn"
            and s
        ),
        "the insurer's status",
    )
    assert status["status"] == "withdrawn"
    for user in ("erin", "ivy"):
        journey.eventually(
            lambda u=user: [
                n
                for n in journey.ok("GET", "notify", "/v1/notifications", u)["items"]
                if n["case_id"] == case["id"] and "withdrawn" in n["title"]
            ],
            f"{user}'s notification that the case was withdrawn",
        )
    polled = journey.ok("GET", "intake", "/v1/cases", "ivy", params={"updated_since": status["updated_at"]})
    assert case["id"] in [c["id"] for c in polled["items"]]


def test_every_service_audits_the_reads_and_its_chain_verifies(journey, published):
    case, plan, request = published
    journey.ok("GET", "workplan", f"/v1/plans/{plan['id']}", "ivy")
    journey.ok("GET", "employer", f"/v1/accommodations/{request['id']}", "erin")
    journey.ok("GET", "notify", "/v1/notifications", "erin")
    for service in ("intake", "workplan", "employer", "notify"):
        rows = journey.ok("GET", service, f"/v1/audit?case_id={case['id']}", "ada")["items"]
        assert rows, f"{service} recorded no read of the case"
        assert all(r["username"] and r["org_id"] for r in rows)
        report = journey.ok("GET", service, "/v1/audit/verify", "ada")
        assert report["intact"] and report["rows"] >= len(rows)
    assert journey.call("GET", "workplan", "/v1/audit", "ivy").status_code == 403
