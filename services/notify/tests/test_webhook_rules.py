"""The pure rules of webhooks, without I/O: which addresses may receive them, the retry schedule,
and what each organisation's payload may carry."""

from __future__ import annotations

import ipaddress
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest

from rtw_notify.settings import DEFAULT_RETRY_SECONDS
from rtw_notify.webhooks import backoff, payloads, safety
from rtw_shared.access import CaseParties
from rtw_shared.events import registry
from rtw_shared.role_view import fields_of_role

STRICT = safety.Rules(allow_http=False, allow_loopback=False)
DEV = safety.Rules(allow_http=True, allow_loopback=True)


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://example.com/hook", "use an https:// address"),
        ("ftp://example.com/hook", "use an https:// address"),
        ("https://user:pw@example.com/hook", "credentials"),
        ("https:///hook", "names no host"),
        ("https://example.com:99999/hook", "port"),
    ],
)
def test_a_url_of_the_wrong_form_is_refused(url, why):
    with pytest.raises(safety.UnsafeUrlError, match=why):
        safety.check_url(url, STRICT)


def test_http_is_for_development_only():
    assert safety.check_url("http://127.0.0.1:9000/x", DEV) == ("127.0.0.1", 9000)
    assert safety.check_url("https://example.com/x", STRICT) == ("example.com", 443)


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("192.168.0.10", "private"),
        ("172.16.5.4", "private"),
        ("169.254.169.254", "metadata"),
        ("169.254.10.10", "link-local"),
        ("fe80::1", "link-local"),
        ("fd00:ec2::254", "metadata"),
        ("0.0.0.0", "unspecified"),  # noqa: S104 — the address under test
        ("100.64.0.1", "not a public address"),
        ("::ffff:10.0.0.1", "private"),
        ("224.0.0.1", "multicast"),
    ],
)
def test_addresses_that_are_not_public_are_refused(address, why):
    assert why in safety.refusal(ipaddress.ip_address(address), STRICT)


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("2002:a00:1::", "a 6to4 address (embeds 10.0.0.1, a private address)"),
        ("2002:a9fe:a9fe::", "a 6to4 address (embeds 169.254.169.254, a cloud metadata address)"),
        ("2002:7f00:1::", "a 6to4 address (embeds 127.0.0.1, a loopback address)"),
        # 6to4 and Teredo are not globally reachable (IANA's special-purpose registry): refused even
        # around a public IPv4 address, since a relay decides where they lead.
        ("2002:5db8:d822::1", "a 6to4 address, which is not globally reachable"),
        ("2001:0:4136:e378:8000:ffff:a247:27dd", "a Teredo address, which is not globally reachable"),
        ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "a Teredo address (embeds 192.0.2.45, a private address)"),
        ("2001:0:a00:1:8000:0:f5ff:fffe", "a Teredo address (embeds 10.0.0.1, a private address)"),
    ],
)
def test_ipv6_transition_addresses_are_refused_naming_what_they_embed(address, why):
    for rules in (STRICT, DEV):
        assert safety.refusal(ipaddress.ip_address(address), rules) == why


def test_a_6to4_url_is_refused_at_registration_and_delivery():
    with pytest.raises(safety.UnsafeUrlError, match=r"resolves to 2002:a00:1::, a 6to4 address \(embeds 10\.0\.0\.1"):
        safety.check_destination("http://[2002:a00:1::]/", DEV)


def test_loopback_is_allowed_by_the_development_setting_and_nothing_else_is():
    assert safety.refusal(ipaddress.ip_address("127.0.0.1"), DEV) is None
    assert safety.refusal(ipaddress.ip_address("10.0.0.1"), DEV) == "a private address"
    assert safety.refusal(ipaddress.ip_address("169.254.169.254"), DEV) == "a cloud metadata address"
    assert safety.refusal(ipaddress.ip_address("93.184.216.34"), STRICT) is None


def test_a_name_resolving_to_loopback_is_refused_at_delivery_time_too():
    with pytest.raises(safety.UnsafeUrlError, match=r"resolves to 127\.0\.0\.1, a loopback address"):
        safety.check_destination("https://localhost/hook", STRICT)
    safety.check_destination("http://localhost:1/hook", DEV)


def test_the_default_schedule_retries_for_about_three_days_with_jitter():
    assert 2.5 * 86_400 < backoff.total_seconds(DEFAULT_RETRY_SECONDS) < 3.5 * 86_400
    now = datetime.now(UTC)
    rng = random.Random(7)  # noqa: S311 — jitter, not cryptography
    delays = [(backoff.next_attempt_at(n, (10.0, 100.0), now, rng=rng) - now).total_seconds() for n in (1, 2)]
    assert 8 <= delays[0] <= 12 and 80 <= delays[1] <= 120
    assert backoff.next_attempt_at(3, (10.0, 100.0), now) is None


# --- payloads --------------------------------------------------------------------------------------
CASE = CaseParties(
    case_id=uuid.uuid4(),
    clinic_org_id="clinic-north",
    employer_org_id="acme",
    insurer_org_id="northwind",
    share_restrictions_with_employer=True,
    share_status_with_insurer=True,
)
INSURER = payloads.reader("northwind", "insurer", "w1")
EMPLOYER = payloads.reader("acme", "employer", "w2")
PUBLISHED = {
    "case_id": str(CASE.case_id),
    "plan_id": str(uuid.uuid4()),
    "version": 1,
    "employer_org_id": "acme",
    "published_at": "2026-12-01T09:00:00+00:00",
    "restrictions": [{"demand": "stoop"}],
    "schedule": [{"week": 1}],
    "accommodations": [{"category": "rest_breaks", "description": "breaks"}],
    "projected_rtw_date": "2027-01-15",
    "projected_cost": 1500.0,
    "next_review_date": "2026-12-21",
    "a_field_added_later": "never sent until someone decides who may see it",
}


def test_every_catalogue_type_but_notifys_own_and_the_clinical_assessment_is_subscribable():
    types = payloads.subscribable_types()
    assert "rtw.case.created.v1" in types and "rtw.plan.schedule_week_started.v1" in types
    assert "rtw.notification.delivered.v1" not in types and "rtw.case.assessed.v1" not in types
    assert set(types) == {t for t in registry if not t.startswith("rtw.notification.")} - {"rtw.case.assessed.v1"}


def test_the_insurer_gets_progress_and_cost_but_not_what_the_employer_is_asked():
    data = payloads.visible_data(INSURER, CASE, "rtw.plan.published.v1", PUBLISHED)
    assert set(data) == set(PUBLISHED) - {"accommodations", "a_field_added_later"}


def test_the_employer_gets_restrictions_and_accommodations_but_no_progress_or_cost():
    data = payloads.visible_data(EMPLOYER, CASE, "rtw.plan.published.v1", PUBLISHED)
    assert set(data) == {
        "case_id",
        "plan_id",
        "version",
        "employer_org_id",
        "published_at",
        "restrictions",
        "schedule",
        "accommodations",
    }


def test_without_the_restrictions_consent_the_employer_gets_no_plan():
    hidden = CaseParties(**{**CASE.__dict__, "share_restrictions_with_employer": False})
    assert not payloads.may_receive(EMPLOYER, hidden, "rtw.plan.published.v1")
    assert payloads.may_receive(EMPLOYER, hidden, "rtw.accommodation.requested.v1")


def test_without_the_status_consent_the_insurer_gets_nothing_of_the_case():
    hidden = CaseParties(**{**CASE.__dict__, "share_status_with_insurer": False})
    assert not any(payloads.may_receive(INSURER, hidden, t) for t in payloads.subscribable_types())


def test_who_the_worker_is_follows_the_role_table_job_title_for_employers_only():
    """The API's views: an employer knows name and job title, an insurer name, date of birth and claim number."""
    shared = {"case_id": "c", "employer_org_id": "acme", "worker_name": "Maria Lopez", "job_title": "Picker"}
    event = "rtw.case.shared_with_employer.v1"
    assert payloads.visible_data(INSURER, CASE, event, shared) == {
        "case_id": "c",
        "employer_org_id": "acme",
        "worker_name": "Maria Lopez",
    }
    assert payloads.visible_data(EMPLOYER, CASE, event, shared) == shared


@pytest.mark.parametrize("role", ["employer", "insurer"])
def test_every_field_a_payload_may_carry_is_one_of_the_role_views_fields(role):
    """Payloads are cut by the same table as the API's views: a field reaches a role only if its role view has it."""
    reader = EMPLOYER if role == "employer" else INSURER
    granted = fields_of_role(role)
    for event_type, rule in payloads.RULES.items():
        for name, field in rule.fields.items():
            data = {"case_id": "c", name: "x"}
            assert (name in payloads.visible_data(reader, CASE, event_type, data)) is (field in granted), (
                event_type,
                name,
            )


def test_the_insurer_sees_a_decision_but_not_the_counter_offer():
    decided = {"case_id": "c", "decision": "countered", "counter": {"description": "x"}, "decided_by": "erin"}
    assert payloads.visible_data(INSURER, CASE, "rtw.accommodation.decided.v1", decided) == {
        "case_id": "c",
        "decision": "countered",
    }
    assert "counter" in payloads.visible_data(EMPLOYER, CASE, "rtw.accommodation.decided.v1", decided)


def test_free_text_and_unknown_types_carry_ids_only():
    cancelled = {"case_id": "c", "plan_id": "p", "version": 1, "reason": "the worker's back got worse"}
    assert payloads.visible_data(INSURER, CASE, "rtw.plan.cancelled.v1", cancelled) == {
        "case_id": "c",
        "plan_id": "p",
        "version": 1,
    }
    assert payloads.rule_for("rtw.something.new.v1").fields == {}


def test_the_cloud_event_carries_the_event_id_time_and_subject():
    event = payloads.StoredEvent(
        id="e1",
        type="rtw.plan.published.v1",
        source="workplan",
        time=datetime(2026, 12, 1, 9, tzinfo=UTC) + timedelta(seconds=1),
        case_id=str(CASE.case_id),
        data=PUBLISHED,
    )
    body = payloads.cloud_event(INSURER, CASE, event)
    assert {k: body[k] for k in ("specversion", "id", "source", "type", "time", "subject", "datacontenttype")} == {
        "specversion": "1.0",
        "id": "e1",
        "source": "workplan",
        "type": "rtw.plan.published.v1",
        "time": "2026-12-01T09:00:01+00:00",
        "subject": str(CASE.case_id),
        "datacontenttype": "application/json",
    }
    assert payloads.cloud_event(payloads.reader("contoso", "insurer", "w3"), CASE, event) is None
    assert date.fromisoformat(body["data"]["projected_rtw_date"]) == date(2027, 1, 15)


@dataclass(frozen=True)
class CopyOfCase:
    """Notify's copy of CASE as far as payloads read it: its parties, reference and claim number."""

    case_id: uuid.UUID = CASE.case_id
    clinic_org_id: str = "clinic-north"
    employer_org_id: str = "acme"
    insurer_org_id: str = "northwind"
    share_restrictions_with_employer: bool = True
    share_status_with_insurer: bool = True
    reference: str = "RTW-2026-000042"
    claim_number: str | None = "WC-2026-0042"


def test_every_payload_names_its_case_by_reference_and_the_insurers_by_its_claim_number_too():
    requested = {"case_id": "c", "accommodation_id": "a", "due_date": "2026-12-11"}
    event = "rtw.accommodation.requested.v1"
    assert payloads.visible_data(INSURER, CopyOfCase(), event, requested) == {
        **requested,
        "reference": "RTW-2026-000042",
        "claim_number": "WC-2026-0042",
    }
    assert payloads.visible_data(EMPLOYER, CopyOfCase(), event, requested) == {
        **requested,
        "reference": "RTW-2026-000042",
    }
    no_claim_yet = payloads.visible_data(INSURER, CopyOfCase(claim_number=None), event, requested)
    assert "claim_number" not in no_claim_yet


RTW_DATE_CHANGED = {"case_id": "c", "from_date": "2027-01-15", "to_date": "2027-01-29", "reason": "progress is slower"}


def test_a_projected_rtw_date_change_reaches_the_insurer_with_its_dates_and_reason():
    event = "rtw.case.rtw_date_changed.v1"
    assert "rtw.case.rtw_date_changed.v1" in payloads.subscribable_types()
    assert payloads.may_receive(INSURER, CopyOfCase(), event)
    assert payloads.visible_data(INSURER, CopyOfCase(), event, RTW_DATE_CHANGED) == {
        **RTW_DATE_CHANGED,
        "reference": "RTW-2026-000042",
        "claim_number": "WC-2026-0042",
    }


def test_the_employer_never_receives_a_projected_rtw_date_change():
    """Plan progress, which the access table keeps from employers (docs/webhooks.md)."""
    assert not payloads.may_receive(EMPLOYER, CopyOfCase(), "rtw.case.rtw_date_changed.v1")
    assert not payloads.may_receive(
        INSURER, CopyOfCase(share_status_with_insurer=False), "rtw.case.rtw_date_changed.v1"
    )


def test_a_withdrawn_request_says_whether_a_newer_plan_version_replaced_it_and_never_why_a_case_ended():
    withdrawn = {"case_id": "c", "accommodation_id": "a", "reason": "the case was withdrawn", "replaced_by_version": 2}
    for reader in (INSURER, EMPLOYER):
        data = payloads.visible_data(reader, CASE, "rtw.accommodation.withdrawn.v1", withdrawn)
        assert data == {"case_id": "c", "accommodation_id": "a", "replaced_by_version": 2}
