"""The portal's plumbing shared by its pages: who is signed in (a dependency), the route class that
turns refusals and errors into pages a person can read, cookies, and rendering."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates

from rtw_shared.errors import ProblemError
from rtw_shared.web import UowDep

from . import service, wording
from .oidc import KeycloakPortalClient
from .service import SignedIn

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
TEMPLATES.env.globals["words"] = wording  # templates say things through the plain-words module
SESSION_COOKIE, LOGIN_COOKIE = "rtw_portal_session", "rtw_portal_login"
COOKIE_PATH = "/portal"
LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})


class NotSignedInError(Exception):
    """The page needs a signed-in person: send the browser to sign in, then back to `return_to`."""

    def __init__(self, return_to: str):
        self.return_to = return_to


class NotAnEmployerError(Exception):
    """Signed in, but not as an employer: the portal is not for this person."""


class FormRefusedError(Exception):
    """A POST without this session's form token (CSRF): refused."""


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page, with who is signed in and today's date (on the app's clock, like the timers)."""
    context.setdefault("signed", getattr(request.state, "signed", None))
    context.setdefault("today", request.app.state.clock().date())
    return TEMPLATES.TemplateResponse(request, template, context, status_code=status_code)


def oidc_client(request: Request) -> KeycloakPortalClient:
    """The app's Keycloak client for the portal."""
    client: KeycloakPortalClient = request.app.state.portal_oidc  # set by create_app at start-up
    return client


def signed_in(request: Request, uow: UowDep) -> SignedIn | None:
    """Who this browser is signed in as (None: nobody); noted for the audit row of the request."""
    signed = service.current(
        uow=uow,
        oidc=oidc_client(request),
        validator=request.app.state.token_validator,
        settings=request.app.state.settings,
        session_id=request.cookies.get(SESSION_COOKIE, ""),
    )
    if signed is not None:
        request.state.principal = signed.principal  # the portal middleware's audit row names them
        request.state.signed = signed
    return signed


def signed_in_employer(request: Request, signed: Annotated[SignedIn | None, Depends(signed_in)]) -> SignedIn:
    """The signed-in employer (NotSignedInError, NotAnEmployerError otherwise)."""
    if signed is None:
        query = f"?{request.url.query}" if request.url.query else ""
        raise NotSignedInError(request.url.path + query if request.method == "GET" else "/portal/requests")
    if not signed.principal.has_role("employer"):
        raise NotAnEmployerError()
    return signed


EmployerSession = Annotated[SignedIn, Depends(signed_in_employer)]
MaybeSignedIn = Annotated[SignedIn | None, Depends(signed_in)]


def check_form_token(signed: SignedIn, token: str) -> None:
    """Refuse a form that does not carry this session's token (another site made the browser post it)."""
    if not token or not secrets.compare_digest(token, signed.csrf_token):
        raise FormRefusedError()


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int | None = None) -> None:
    """An HttpOnly, SameSite=Lax cookie for the portal's paths; Secure everywhere but on this machine."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=COOKIE_PATH,
        httponly=True,
        samesite="lax",
        secure=request.url.hostname not in LOOPBACK_HOSTS,
    )


def forget_cookie(request: Request, response: Response, name: str) -> None:
    """Remove a portal cookie from the browser."""
    response.delete_cookie(
        name, path=COOKIE_PATH, httponly=True, samesite="lax", secure=request.url.hostname not in LOOPBACK_HOSTS
    )


def safe_return_path(value: str | None) -> str:
    """Where to go after signing in: only a path of the portal itself (never another site)."""
    if value and value.startswith("/portal/") and not value.startswith("/portal//") and "\\" not in value:
        return value
    return "/portal/requests"


@dataclass(frozen=True)
class Refusal:
    status: int
    title: str
    detail: str


ERROR_TITLES = {
    400: "That did not work",
    403: "Not allowed",
    404: "Not found",
    409: "Already answered",
    412: "Someone changed this in the meantime",
    413: "Too much to send",
    422: "Please check what you entered",
}


class PortalRoute(APIRoute):
    """A portal route: a refusal or error becomes a page (or a sign-in), never problem+json or a stack trace."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def portal_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except NotSignedInError as error:
                return RedirectResponse(f"/portal/login?next={quote(error.return_to, safe='/')}", status_code=303)
            except NotAnEmployerError:
                return render(request, "refused.html", 403)
            except FormRefusedError:
                detail = "This form could not be accepted: it is out of date or did not come from this portal."
                return _error_page(
                    request, Refusal(403, "Form not accepted", detail + " Reload the page and try again.")
                )
            except ProblemError as error:
                return _error_page(
                    request, Refusal(error.status, ERROR_TITLES.get(error.status, "Error"), error.detail)
                )
            except RequestValidationError:
                detail = "The address or the form is not one this portal made. Go back to your requests and try again."
                return _error_page(request, Refusal(422, ERROR_TITLES[422], detail))

        return portal_handler


def _error_page(request: Request, refusal: Refusal) -> HTMLResponse:
    return render(request, "error.html", refusal.status, refusal=refusal)
