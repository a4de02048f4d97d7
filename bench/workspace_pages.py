"""The workspace figure of `make bench`: how fast the therapist's pages answer with many cases in her clinic
(issue 23's quality bar: every page < 300 ms at p95 with 1,000 cases).

tara opens one real case through intake's API (workplan drafts its plan from the event); the seeder copies
it into many more in her clinic, all hers; then she opens a caseload page's worth of newer cases and
publishes each one's plan (the caseload works out each published plan's progress). She is signed in to the
workspace as a browser would be after Keycloak's page: a session row in workplan's database holding real
tokens from Keycloak, its random id in the session cookie (the page validates the token exactly as after
the code + PKCE sign-in). Then one client asks each page in turn, one request at a time, and each page's
p50 and p95 make a row of the table."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import httpx
import psycopg
from harness import Context, Row, percentile
from http_figures import Seeder, _create_case
from keycloak import KeycloakOpenID

from rtw_devstack.journey import Journey
from rtw_shared.testing import DEMO_PASSWORD

GOAL_MS = 300.0
COOKIE = "rtw_clinic_session"  # rtw_shared.webui.config: the workspace's session cookie
WARMUP = 5  # requests per page before the measured ones (connections, caches, the first template render)
# The caseload computes progress for each row's plan in force: its first page (25 rows) is made of cases
# with a published plan, the newest, so the figure is the caseload's heaviest page.
PUBLISHED_ON_FIRST_PAGE = 25


class ClinicSeeder(Seeder):
    """The growth figure's seeder, but every copy stays in the template's clinic with its therapist (the
    growth figure spreads its copies over two clinics and two insurers for the insurer's list). It counts the
    clinic's cases only: those the create figure opened as tara count, the other clinic's do not."""

    SPREAD: dict[str, str] = {}  # every copy keeps the template's clinic, therapist, employer and insurer
    STATUS = ("draft", "none")

    def _count(self, conn) -> int:
        """The template's clinic's cases."""
        query = "SELECT count(*) FROM cases WHERE clinic_org_id = (SELECT clinic_org_id FROM cases WHERE id = %s)"
        return int(conn.execute(query, (self.template_id,)).fetchone()[0])


def signed_in_cookie(ctx: Context, workplan_owner_url: str) -> dict[str, str]:
    """tara's workspace session: fresh tokens from Keycloak in a new session row; the cookie naming it."""
    token = KeycloakOpenID(
        server_url=ctx.infra.keycloak_url, realm_name=ctx.infra.keycloak_realm, client_id="rtw-cli"
    ).token("tara", DEMO_PASSWORD, scope="openid")
    session_id, now = secrets.token_urlsafe(32), datetime.now(UTC)
    dsn = workplan_owner_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO clinic_sessions (id_sha256, subject, username, csrf_token, access_token, access_expires_at,"
            " refresh_token, id_token, created_at, last_seen_at) VALUES (%s, %s, %s, %s, %s, %s, NULL, %s, %s, %s)",
            (
                hashlib.sha256(session_id.encode()).hexdigest(),
                _subject(token["access_token"]),
                "tara",
                secrets.token_urlsafe(32),
                token["access_token"],
                now + timedelta(seconds=int(token["expires_in"])),
                token.get("id_token", ""),
                now,
                now,
            ),
        )
    return {COOKIE: session_id}


def _subject(access_token: str) -> str:
    """The token's `sub` (only stored beside the session; the page validates the token itself)."""
    payload = access_token.split(".")[1]
    return str(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sub"])


def _page_ms(ctx: Context, base: str, owner_url: str, path: str, n: int) -> tuple[list[float], int]:
    """One client, one request at a time, on a session of its own (tokens live 300 s, one page takes less)."""
    samples, errors = [], 0
    with httpx.Client(base_url=base, cookies=signed_in_cookie(ctx, owner_url), timeout=30) as client:
        for _ in range(WARMUP):
            client.get(path)
        for _ in range(n):
            started = time.perf_counter()
            response = client.get(path)
            samples.append((time.perf_counter() - started) * 1000)
            errors += response.status_code != 200
    return samples, errors


def _published_cases(system, tokens, journey: Journey, n: int) -> None:
    """`n` new cases of tara's, each with its plan published (the example plan), a few at a time."""

    def one(_: int) -> None:
        case_id = _create_case(system.url("intake"), tokens)
        journey.publish_plan(journey.draft_plan(case_id)["id"])

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(one, range(n)))


def _check_caseload(ctx: Context, base: str, owner_url: str, reference: str) -> None:
    """The session is tara's and her caseload finds her case: the figure measures the real page."""
    page = httpx.get(
        base + "/clinic/cases", params={"q": reference}, cookies=signed_in_cookie(ctx, owner_url), timeout=30
    )
    if page.status_code != 200 or "Your cases" not in page.text or f"{reference}<" not in page.text:
        raise RuntimeError(f"tara's caseload answered {page.status_code} without her case {reference}")


def figure(ctx: Context) -> list[Row]:
    """p50 and p95 of the caseload, a case page, its assessment, its plan builder and the inbox."""
    system, tokens = ctx.system(), ctx.tokens()
    cases, n, published = (100, 10, 3) if ctx.sizes.quick else (1_000, 100, PUBLISHED_ON_FIRST_PAGE)
    journey = Journey(system, tokens, timeout=60)
    case_id = _create_case(system.url("intake"), tokens)
    plan_id = journey.draft_plan(case_id)["id"]
    seeder = ClinicSeeder(ctx.owner_urls["intake"], case_id)
    pages = {  # name: (the path shown, the path asked)
        "caseload": ("/clinic/cases", "/clinic/cases"),
        "case page": ("/clinic/cases/{id}", f"/clinic/cases/{case_id}"),
        "assessment": ("/clinic/cases/{id}/assessment", f"/clinic/cases/{case_id}/assessment"),
        "plan builder": ("/clinic/plans/{id}/builder", f"/clinic/plans/{plan_id}/builder"),
        "inbox": ("/clinic/inbox", "/clinic/inbox"),
    }
    found: dict[str, dict] = {}
    try:
        ctx.progress.say(f"seeding tara's clinic to {cases:,} cases")
        count = seeder.grow_to(cases)
        ctx.progress.say(f"publishing plans for the {published} newest cases")
        _published_cases(system, tokens, journey, published)
        ctx.settle()
        reference = journey.ok("GET", "intake", f"/v1/cases/{case_id}", "tara")["reference"]
        _check_caseload(ctx, system.url("workplan"), ctx.owner_urls["workplan"], reference)
        for name, (shown, path) in pages.items():
            ctx.progress.say(f"GET {shown} at {count:,} cases")
            samples, errors = _page_ms(ctx, system.url("workplan"), ctx.owner_urls["workplan"], path, n)
            found[name] = {
                "path": shown,
                "cases": count,
                "requests": n,
                "p50_ms": round(percentile(samples, 50), 2),
                "p95_ms": round(percentile(samples, 95), 2),
                "errors": errors,
            }
    finally:
        ctx.progress.say("removing the seeded cases")
        seeder.remove()
    return [
        Row(
            "workspace",
            f"workspace {name} at {got['cases']:,} cases (tara, GET {got['path']}, {got['requests']} one at a time)",
            f"p95 {got['p95_ms']:.1f} ms (p50 {got['p50_ms']:.1f})"
            + (f", {got['errors']} errors" if got["errors"] else ""),
            "—",
            None,
            "—",
            "p95 < 300 ms",
            got["p95_ms"] < GOAL_MS and not got["errors"],
            got,
        )
        for name, got in found.items()
    ]
