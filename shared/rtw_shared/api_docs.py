"""`/docs` (Swagger UI) and `/redoc` with their scripts, styles and icon served by the service itself
instead of a CDN, so the pages work on a machine without internet and load nothing from another
origin (their Content-Security-Policy says so to the browser).

The files come from the fastapi-offline package (Swagger UI under Apache-2.0, ReDoc under MIT). Their
path names the package's version, so a browser may keep them until the package changes."""

from __future__ import annotations

import base64
import hashlib
import re
from importlib.metadata import version
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ASSETS_DIR = Path(fastapi_offline.__file__).parent / "static"
ASSETS_PATH = f"/docs-assets/{version('fastapi-offline')}"
SWAGGER_JS, SWAGGER_CSS, REDOC_JS = "swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js"
FAVICON = "favicon.png"
ASSET_CACHE = b"public, max-age=86400"
INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def install_docs(app: FastAPI) -> None:
    """`/docs`, `/redoc` and the files they load on `app` (built with `docs_url=None, redoc_url=None`)."""
    app.mount(ASSETS_PATH, CachedAssets(StaticFiles(directory=ASSETS_DIR)), name="docs_assets")

    @app.get("/docs", include_in_schema=False)
    def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "") + ASSETS_PATH
        page = get_swagger_ui_html(
            openapi_url=request.scope.get("root_path", "") + str(app.openapi_url),
            title=f"{app.title} - Swagger UI",
            swagger_js_url=f"{root}/{SWAGGER_JS}",
            swagger_css_url=f"{root}/{SWAGGER_CSS}",
            swagger_favicon_url=f"{root}/{FAVICON}",
            # No validator badge: Swagger UI would otherwise send the document's address to swagger.io.
            swagger_ui_parameters={**(app.swagger_ui_parameters or {}), "validatorUrl": None},
        )
        return _with_policy(page)

    @app.get("/redoc", include_in_schema=False)
    def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "") + ASSETS_PATH
        page = get_redoc_html(
            openapi_url=request.scope.get("root_path", "") + str(app.openapi_url),
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{root}/{REDOC_JS}",
            redoc_favicon_url=f"{root}/{FAVICON}",
            with_google_fonts=False,
        )
        return _with_policy(page)


def content_security_policy(html: str) -> str:
    """Same origin only; the page's own inline scripts by their hash. Both UIs set inline styles,
    show data: images, and ReDoc runs its search in a blob: worker."""
    sources = ["'self'"] + [
        f"'sha256-{base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()}'"
        for script in INLINE_SCRIPT.findall(html)
    ]
    return (
        f"default-src 'none'; script-src {' '.join(sources)}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    )


def _with_policy(page: HTMLResponse) -> HTMLResponse:
    page.headers["Content-Security-Policy"] = content_security_policy(bytes(page.body).decode())
    return page


class CachedAssets:
    """The UI's files may be kept by the browser (the gate answers `no-store` to anything without
    its own Cache-Control: answers carry case data, these files do not)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_cacheable(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] in (200, 304):
                message["headers"] = [*message.get("headers", []), (b"cache-control", ASSET_CACHE)]
            await send(message)

        await self.app(scope, receive, send_cacheable)
