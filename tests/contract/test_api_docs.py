"""What every service's `/docs` (Swagger UI) and `/redoc` load comes from the service itself, so the
pages work without internet; and the request-body examples they show are bodies the API accepts.
No servers needed: the apps are built and asked in-process (their pages and files need no database);
the browser check is tests/browser/test_api_docs_browser.py, posting the examples each service's
tests/test_openapi_examples.py."""

from __future__ import annotations

import importlib
import re
from html.parser import HTMLParser

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from pydantic import TypeAdapter

from rtw_shared.services import SERVICE_DEFS

PAGES = ("/docs", "/redoc")
# The operations people try first: each shows at least one example body.
EXAMPLED = {
    ("intake", "post", "/v1/cases"),
    ("workplan", "put", "/v1/plans/{plan_id}"),
    ("workplan", "post", "/v1/plans/{plan_id}/sessions"),
    ("employer", "post", "/v1/accommodations/{request_id}/decision"),
}
CONTENT_TYPES = {".js": "text/javascript", ".css": "text/css", ".png": "image/png", ".json": "application/json"}
# A CSP source that names no host: a keyword, a hash, or a scheme of the page's own making.
HOSTLESS_SOURCE = re.compile(r"^('[a-z-]+'|'sha256-[A-Za-z0-9+/=]+'|data:|blob:)$")


def service_app(name: str) -> FastAPI:
    defn = next(d for d in SERVICE_DEFS if d.name == name)
    return importlib.import_module(f"{defn.package}.app").create_app()


@pytest.fixture(scope="module", params=[d.name for d in SERVICE_DEFS])
def service(request) -> tuple[str, FastAPI, TestClient]:
    app = service_app(request.param)
    return request.param, app, TestClient(app)


class References(HTMLParser):
    """Every address a page loads: src and href attributes, ReDoc's spec-url, Swagger UI's `url:`."""

    def __init__(self, html: str):
        super().__init__()
        self.urls: list[str] = []
        self.feed(html)
        self.urls += re.findall(r"\burl: '([^']+)'", html)

    def handle_starttag(self, tag, attrs):
        self.urls += [value for name, value in attrs if name in ("src", "href", "spec-url") and value]


@pytest.mark.parametrize("page", PAGES)
def test_the_docs_pages_load_only_from_their_own_service(service, page):
    _, _, client = service
    response = client.get(page)
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert re.findall(r"(?:https?:)?//[^\s\"'<>]+", response.text) == []  # no other host, no scheme-relative one
    urls = References(response.text).urls
    assert len(urls) >= 3, urls  # the script, the document, the icon (and Swagger UI's styles)
    for url in urls:
        assert url.startswith("/"), url
        asset = client.get(url)
        expected = CONTENT_TYPES[re.search(r"\.[a-z]+$", url).group()]
        assert (asset.status_code, asset.headers["content-type"].split(";")[0]) == (200, expected), url


@pytest.mark.parametrize("page", PAGES)
def test_the_docs_pages_tell_the_browser_to_load_nothing_from_elsewhere(service, page):
    _, _, client = service
    policy = dict(
        directive.strip().split(" ", 1) for directive in client.get(page).headers["content-security-policy"].split(";")
    )
    assert policy["default-src"] == "'none'"
    for directive, sources in policy.items():
        assert all(HOSTLESS_SOURCE.match(source) for source in sources.split()), f"{directive} {sources}"


def test_the_ui_files_may_be_cached_and_the_pages_may_not(service):
    _, _, client = service
    page = client.get("/docs")
    script = next(url for url in References(page.text).urls if url.endswith(".js"))
    assert page.headers["cache-control"] == "no-store"
    assert client.get(script).headers["cache-control"] == "public, max-age=86400"


def examples_by_operation(app: FastAPI) -> dict[tuple[str, str], tuple[APIRoute, dict]]:
    """(method, path) → (its route, its request-body examples as /openapi.json shows them)."""
    document, found = app.openapi(), {}
    routes = {  # iter_route_contexts: the routes of included routers too, with their full paths
        (method.lower(), context.path): context.original_route
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute)
        for method in context.original_route.methods
    }
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            media = operation.get("requestBody", {}).get("content", {}).get("application/json", {})
            if media.get("examples"):
                found[(method, path)] = (routes[(method, path)], media["examples"])
    return found


def test_the_main_operations_show_example_bodies():
    shown = {(d.name, *key) for d in SERVICE_DEFS for key in examples_by_operation(service_app(d.name))}
    assert EXAMPLED - shown == set()


def test_every_example_body_is_valid_for_its_operation(service):
    name, app, _ = service
    for (method, path), (route, examples) in examples_by_operation(app).items():
        body_type = TypeAdapter(route.body_field.field_info.annotation)
        for label, example in examples.items():
            assert example.get("summary"), f"{name} {method} {path} {label}: say in a few words what it shows"
            body_type.validate_python(example["value"])  # raises, naming the field, if the API would refuse it
