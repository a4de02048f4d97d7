"""Every kind of email links its reader to a page of their own, never to an API: employers to the
employer portal, therapists to their workspace (workplan's `/clinic/...`), insurers to nothing — their
emails say the case's reference and their claim number instead. Every date in an email carries its
year. Checked on the email rows the handlers and timers write (real database)."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import text

from rtw_notify.emails import dates
from rtw_notify.emails.kinds import EMAIL_KINDS
from rtw_notify.emails.render import render
from rtw_notify.reminders.schedule import DUE_SOON, PLAN_REVIEW, RESTRICTION_REVIEW
from rtw_notify.webhooks import repository as webhooks
from rtw_notify.webhooks.sender import disable
from rtw_shared.events import CounterOffer, RequestedAccommodation, ScheduleWeek

PORTAL, WORKSPACE = "http://127.0.0.1:8103/portal", "http://127.0.0.1:8102"
THERAPIST, EMPLOYER, INSURER = "tara@clinic-north.example", "desk@acme.example", "claims@northwind.example"
ISO_DATE = re.compile(r"(?<![0-9a-f-])\d{4}-\d{2}-\d{2}(?![0-9a-f])")
SPOKEN_DATE = re.compile(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2} \d{4}\b")
DATED_COUNTER = CounterOffer(
    description="A week later, and a third week",
    accommodations=[RequestedAccommodation(category="rest_breaks", description="A break every two hours")],
    schedule=[
        ScheduleWeek(
            week=n,
            hours_per_day=4 + 2 * (n - 1),
            days_per_week=5,
            duties="modified",
            starts_on=date(2027, 1, 11) + timedelta(days=7 * (n - 1)),
            ends_on=date(2027, 1, 17) + timedelta(days=7 * (n - 1)),
        )
        for n in (1, 2, 3)
    ],
    schedule_start_date=date(2027, 1, 11),
)


def all_emails(engine) -> list[dict]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT kind, recipient, subject, body, html_body FROM emails ORDER BY kind, recipient")
        )
        return [dict(r._mapping) for r in rows]


@pytest.fixture
def every_kind(apply, events, subject_of, contact, fire, loops, engine, client, tokens, receiver, clock):
    """A case's story that sends every kind of email: the case, the request answered, the one left to remind
    of, the plan, the starting week and the emails, by name."""
    contact("erin", EMPLOYER)
    contact("ivy", INSURER)
    case = events.case_created(therapist_id=subject_of("tara"))
    apply(case)
    request = events.requested(case)
    apply(request)
    apply(events.decided(case, "countered", accommodation_id=request.accommodation_id, counter=DATED_COUNTER))
    apply(events.decided(case, accommodation_id=request.accommodation_id, counter=DATED_COUNTER, counter_accepted=True))
    apply(events.expired(case, request))
    reminded = events.requested(case)  # left unanswered: reminded two business days before it is due
    apply(reminded)
    plan = events.plan_published(case)
    apply(plan)
    week = events.week_started(case)
    apply(week)
    for kind in (DUE_SOON, RESTRICTION_REVIEW, PLAN_REVIEW):
        fire(_due_at(engine, kind))
    hook = client.post(
        "/v1/webhooks", json={"url": receiver.url, "events": ["rtw.case.created.v1"]}, headers=tokens.headers("ivy")
    ).json()
    with loops.unit_of_work() as uow:
        disable(uow, webhooks.get_webhook(uow.session, uuid.UUID(hook["id"])), "it kept failing", uow.now())
        uow.commit()
    return SimpleNamespace(
        case=case, request=request, reminded=reminded, plan=plan, week=week, emails=all_emails(engine)
    )


def _due_at(engine, kind: str):
    """When the one armed timer of `kind` is due."""
    with engine.connect() as conn:
        query = text("SELECT due_at FROM timers WHERE kind = :k AND cancelled_at IS NULL AND fired_at IS NULL")
        return conn.execute(query, {"k": kind}).scalar_one()


def words_of(html: str) -> str:
    """An HTML part's text: tags gone, spaces folded."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()).replace(" .", ".")


def test_no_email_links_to_an_api_and_every_kind_is_checked(every_kind):
    emails = every_kind.emails
    assert {e["kind"] for e in emails} == set(EMAIL_KINDS)
    for email in emails:
        for part in (email["subject"], email["body"], email["html_body"]):
            assert "/v1/" not in part and ":8101" not in part, (email["kind"], email["recipient"], part)


def test_each_reader_is_linked_to_a_page_of_their_own(every_kind):
    case, plan, emails = every_kind.case, every_kind.plan, every_kind.emails
    asked, reminded = (f"{PORTAL}/requests/{r.accommodation_id}" for r in (every_kind.request, every_kind.reminded))
    expected = {
        ("accommodation_requested", EMPLOYER): {asked, reminded},  # two requests of the case
        ("accommodation_due_soon", EMPLOYER): {reminded},
        ("counter_accepted", EMPLOYER): {asked},
        ("schedule_week_started", EMPLOYER): {PORTAL},
        ("accommodation_decided", THERAPIST): {f"{WORKSPACE}/clinic/cases/{case.case_id}"},
        ("accommodation_expired", THERAPIST): {f"{WORKSPACE}/clinic/cases/{case.case_id}"},
        ("plan_review_due", THERAPIST): {f"{WORKSPACE}/clinic/plans/{plan.plan_id}"},
        ("restriction_review_due", THERAPIST): {f"{WORKSPACE}/clinic/plans/{plan.plan_id}"},
    }
    linked: dict[tuple[str, str], set[str]] = {}
    for email in emails:
        key = (email["kind"], email["recipient"])
        if key in expected:
            [url] = re.findall(r'href="([^"]+)"', email["html_body"])
            assert f": {url}\n" in email["body"], key  # the text part links to the same page
            linked.setdefault(key, set()).add(url)
    assert linked == expected


def test_the_insurer_reads_the_reference_and_its_claim_number_and_no_link(every_kind):
    case, emails = every_kind.case, every_kind.emails
    [expired] = [e for e in emails if e["recipient"] == INSURER and e["kind"] == "accommodation_expired"]
    for part in (expired["body"], expired["html_body"]):
        assert case.reference in part and case.case.claim_number in part
        assert "href=" not in part and "http" not in part
    assert f"Claim number: {case.case.claim_number}" in expected_lines(expired["body"])


def expected_lines(body: str) -> list[str]:
    return [line.strip() for line in body.splitlines()]


def test_the_employer_is_never_told_the_claim_number(every_kind):
    case, emails = every_kind.case, every_kind.emails
    for email in emails:
        if email["recipient"] == EMPLOYER:
            assert case.case.claim_number not in email["body"] + email["html_body"], email["kind"]


def test_every_date_in_an_email_carries_its_year(every_kind):
    emails = every_kind.emails
    for email in emails:
        for part in (email["subject"], email["body"]):
            assert not ISO_DATE.search(part), (email["kind"], part)
    dated = {e["kind"] for e in emails if SPOKEN_DATE.search(e["body"])}
    assert dated >= {
        "accommodation_requested",
        "accommodation_due_soon",
        "accommodation_decided",
        "counter_accepted",
        "accommodation_expired",
        "plan_review_due",
        "restriction_review_due",
        "schedule_week_started",
    }


def test_a_counter_offer_says_its_start_and_each_weeks_dates(every_kind):
    emails = every_kind.emails
    [offer] = [e for e in emails if e["kind"] == "accommodation_decided"]
    to = dates.EN_DASH
    for part in (offer["body"], words_of(offer["html_body"])):
        assert "Week 1 would start on Mon 11 Jan 2027." in part
        assert f"(Mon 25 Jan 2027 {to} Sun 31 Jan 2027): 8 h/day, 5 days/week, modified duties" in part


def test_a_starting_week_says_its_first_and_last_day(every_kind):
    [email] = [e for e in every_kind.emails if e["kind"] == "schedule_week_started"]
    first = every_kind.week.starts_on
    assert f"runs from {dates.day(first)} to {dates.day(first + timedelta(days=6))}" in email["body"]


@pytest.mark.parametrize(
    ("value", "spoken"),
    [(date(2026, 12, 18), "Fri 18 Dec 2026"), ("2027-01-04", "Mon 4 Jan 2027")],
)
def test_dates_are_spoken_with_their_year(value, spoken):
    assert dates.day(value) == spoken
    assert dates.week_span("2026-12-07") == f"Mon 7 Dec 2026 {dates.EN_DASH} Sun 13 Dec 2026"


def test_a_template_renders_the_claim_number_only_when_given():
    without = render("accommodation_expired", reference="RTW-1", due_date="Fri 18 Dec 2026")
    with_it = render("accommodation_expired", reference="RTW-1", due_date="Fri 18 Dec 2026", claim_number="WC-9")
    assert "Claim number" not in without.text and "Claim number: WC-9" in with_it.text
