"""Every service's `/docs` and `/redoc` in Chromium with no network beyond the service itself: each
page draws every operation of the service's OpenAPI document, no request leaves for another host, and
nothing on the page fails. The service is its API app under uvicorn (no database is needed to show
its documentation), on a free port of 127.0.0.1."""

from __future__ import annotations

import importlib
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn

from rtw_shared.services import SERVICE_DEFS

# What draws one operation: Swagger UI's block per operation, ReDoc's section per operation.
OPERATION = {"/docs": ".opblock", "/redoc": "[data-section-id^='operation/']"}
# ReDoc's sidebar shows the Redocly logo from its CDN; the page's policy refuses it before any request
# is made, and ReDoc then leaves the logo out. Any other refusal is a failure.
KNOWN_REFUSAL = "https://cdn.redoc.ly/redoc/logo-mini.svg"


@pytest.fixture(scope="module", params=[d.name for d in SERVICE_DEFS])
def service_url(request) -> Iterator[str]:
    """The service's API app served on a free local port, without its lifespan (database, keys)."""
    defn = next(d for d in SERVICE_DEFS if d.name == request.param)
    app = importlib.import_module(f"{defn.package}.app").create_app()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, f"{defn.name}'s API did not start"
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


def operation_count(url: str) -> int:
    paths = httpx.get(url + "/openapi.json").json()["paths"]
    return sum(1 for operations in paths.values() for method in operations if method != "parameters")


@pytest.mark.parametrize("page_path", sorted(OPERATION))
def test_the_docs_page_draws_every_operation_without_the_internet(browser, service_url, page_path):
    context = browser.new_context()
    elsewhere, errors = [], []

    def only_the_service(route):
        if route.request.url.startswith(service_url + "/"):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort("internetdisconnected")

    context.route("**/*", only_the_service)
    page = context.new_page()
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(service_url + page_path)
        page.wait_for_selector(OPERATION[page_path], timeout=30_000)
        drawn = page.locator(OPERATION[page_path]).count()
    finally:
        context.close()
    assert drawn == operation_count(service_url)
    assert elsewhere == []
    assert [e for e in errors if KNOWN_REFUSAL not in e] == []
