"""Browser tests of the employer portal and the therapist's workspace: Playwright driving Debian's
Chromium (found on PATH, never downloaded), headless, against a private copy of the system (the `system`
fixture) and the real Keycloak login page. The realm's browser clients (`rtw-portal`, `rtw-clinic`) return
to exact addresses only (make up's, deploy/keycloak/realm-rtw.json), so the private services, on free
ports beside make up's, sign in through clients of their own: copies that return to exactly those ports,
made in the running realm for the module and deleted after it."""

from __future__ import annotations

import importlib.util
import json
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from keycloak import KeycloakAdmin

from rtw_devstack import realm
from rtw_devstack.journey import Journey
from rtw_devstack.keycloak import ADMIN_PASSWORD, ADMIN_USER
from rtw_devstack.procs import wait_until
from rtw_devstack.services import api_ready

# The sign-in the workspace's pages share (tests/ has no packages: loaded from its file).
_spec = importlib.util.spec_from_file_location("clinic_pages", Path(__file__).with_name("clinic_pages.py"))
clinic_pages = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(clinic_pages)

AXE = Path(__file__).parent / "vendor" / "axe.min.js"  # axe-core from the npm registry (vendor/README.md)
PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def chromium_path() -> str | None:
    """Debian's Chromium (`apt-get install chromium`; .ci/run installs it)."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """One headless Chromium for the session."""
    executable = chromium_path()
    if executable is None:
        pytest.skip("Chromium is not installed here (apt-get install chromium); CI installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True, args=["--no-sandbox"])
        yield launched
        launched.close()


def browser_client_copy(system, rtw_infra, *, template_id: str, service: str, mount: str) -> Iterator[str]:
    """A copy of the realm file's browser client `template_id` that returns exactly to the private system's
    `service` under `mount`; the private API restarts to sign in with it; the copy is deleted afterwards."""
    base = system.url(service)
    [template] = [c for c in json.loads(realm.DEVELOPMENT_REALM.read_text())["clients"] if c["clientId"] == template_id]
    client_id = f"{template_id}-test-{uuid.uuid4().hex[:8]}"
    admin = KeycloakAdmin(
        server_url=rtw_infra.keycloak_url,
        username=ADMIN_USER,
        password=ADMIN_PASSWORD,
        realm_name=rtw_infra.keycloak_realm,
        user_realm_name="master",
    )
    made = admin.create_client(
        {
            **template,
            "clientId": client_id,
            "rootUrl": base,
            "redirectUris": [f"{base}{mount}/callback"],
            "attributes": {**template.get("attributes", {}), "post.logout.redirect.uris": f"{base}{mount}/signed-out"},
        }
    )
    running = system.services[service]
    running.env[running.defn.env_prefix + f"{mount.strip('/').upper()}_CLIENT_ID"] = client_id
    system.restart(service, "api")
    assert wait_until(lambda: api_ready("127.0.0.1", running.port), 60, interval=0.2), f"{service} API not ready"
    try:
        yield client_id
    finally:
        admin.delete_client(made)


@pytest.fixture(scope="module", autouse=True)
def private_portal_client(system, rtw_infra) -> Iterator[str]:
    """A copy of `rtw-portal` returning exactly to the private system's portal, which the private
    employer API is restarted to sign in with; deleted with the module."""
    yield from browser_client_copy(system, rtw_infra, template_id="rtw-portal", service="employer", mount="/portal")


@pytest.fixture(scope="module")
def private_clinic_client(system, rtw_infra) -> Iterator[str]:
    """The same for the therapist's workspace: a copy of `rtw-clinic` returning exactly to the private
    system's workplan under /clinic (the running realm may predate `rtw-clinic`: CI imports it fresh)."""
    yield from browser_client_copy(system, rtw_infra, template_id="rtw-clinic", service="workplan", mount="/clinic")


@pytest.fixture(scope="module")
def journey(system, tokens) -> Journey:
    """The walking-skeleton journey over HTTP against the private system."""
    return Journey(system, tokens, timeout=60)


@pytest.fixture(scope="module")
def portal(system) -> str:
    """The private employer service's portal address."""
    return system.url("employer") + "/portal"


@pytest.fixture
def new_page(browser):
    """Factory: a page in a fresh browser context (its own cookies: one person), at `viewport`."""
    contexts = []

    def make(viewport: dict | None = None):
        context = browser.new_context(viewport=viewport or DESKTOP)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def open_request(journey) -> callable:
    """Factory: a case opened by tara and a plan published for it; returns erin's pending request (API view)."""

    def make() -> dict:
        case = journey.create_case()
        journey.publish_plan(journey.draft_plan(case["id"])["id"])
        return journey.pending_request(case["id"])

    return make


class PortalUI:
    """What the tests do in the browser, as a person would, and what they check on every page."""

    PHONE, DESKTOP = PHONE, DESKTOP

    def __init__(self, portal: str):
        self.portal = portal

    def sign_in(self, page, user: str) -> None:
        """Sign in on Keycloak's own login page: the portal's button, then Keycloak's form."""
        clinic_pages.sign_in(page, self.portal, user)

    def serious_violations(self, page) -> list[dict]:
        """axe-core's serious and critical WCAG 2.1 A/AA violations on the page as it stands."""
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.evaluate(AXE.read_text())  # through DevTools: the page's CSP (no inline scripts) stays as it is
        results = page.evaluate(
            "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA
        )
        return [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in results["violations"]
            if v["impact"] in ("serious", "critical")
        ]

    def assert_accessible(self, page) -> None:
        """No serious or critical axe violation on the page."""
        found = self.serious_violations(page)
        assert found == [], f"{page.url}: {json.dumps(found, indent=1)}"

    def overflow(self, page) -> int:
        """How many CSS pixels the page is wider than its viewport (0: no horizontal scroll)."""
        return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


@pytest.fixture
def ui(portal) -> PortalUI:
    return PortalUI(portal)
