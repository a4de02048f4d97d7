"""A web UI's plumbing shared by its pages: who is signed in (dependencies), the route class that turns
refusals and errors into pages a person can read, cookies, the CSRF check and rendering.

A service builds one `WebUI` from its `WebUIConfig` at import time and gives its routers the UI's route
class (`APIRouter(route_class=ui.route_class)`): the route class tells the dependencies (`RoleSession`,
`MaybeSignedIn`) which UI serves the request. What depends on the settings (the Keycloak client, the
session limits) is put on the app by `signin.install`."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import quote

import jinja2
from fastapi import Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates

from ..dependencies import UowDep
from ..errors import ProblemError
from . import sessions
from .config import SessionLimits, SignedIn, WebUIConfig
from .oidc import KeycloakWebClient

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
LOGIN_COOKIE_SECONDS = 600


class NotSignedInError(Exception):
    """The page needs a signed-in person: send the browser to sign in, then back to `return_to`."""

    def __init__(self, return_to: str):
        self.return_to = return_to


class WrongRoleError(Exception):
    """Signed in, but without the UI's role: it is not for this person."""


class FormRefusedError(Exception):
    """A POST without this session's form token (CSRF): refused."""


@dataclass(frozen=True)
class Refusal:
    """What an error page says: its status, title and one clear line."""

    status: int
    title: str
    detail: str


@dataclass(frozen=True)
class Runtime:
    """What a UI needs from the settings of the app it runs in (signin.install puts it on app.state)."""

    oidc: KeycloakWebClient
    limits: SessionLimits


ERROR_TITLES = {
    400: "That did not work",
    403: "Not allowed",
    404: "Not found",
    409: "Already answered",
    412: "Someone changed this in the meantime",
    413: "Too much to send",
    422: "Please check what you entered",
    502: "A service did not answer",
    503: "Not available right now",
}


class WebUI:
    """One web UI's templates, dependencies and route class."""

    def __init__(self, config: WebUIConfig, **template_globals: object):
        self.config = config
        environment = jinja2.Environment(
            loader=jinja2.ChoiceLoader(
                [jinja2.FileSystemLoader(config.templates_dir), jinja2.PackageLoader("rtw_shared.webui", "templates")]
            ),
            autoescape=True,
        )
        environment.globals.update({"ui": config, **template_globals})
        self.templates = Jinja2Templates(env=environment)
        self.route_class = _route_class(self)

    def runtime(self, request: Request) -> Runtime:
        """The Keycloak client and session limits of the app serving this request."""
        found: Runtime = request.app.state.web_uis[self.config.name]  # set by signin.install
        return found

    def render(self, request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        """A page, with who is signed in and today's date (on the app's clock, like the timers)."""
        context.setdefault("signed", getattr(request.state, "signed", None))
        context.setdefault("today", request.app.state.clock().date())
        return self.templates.TemplateResponse(request, template, context, status_code=status_code)

    def error_page(self, request: Request, refusal: Refusal, **context: Any) -> HTMLResponse:
        """The error page: its title, one line saying what to do, a way back."""
        return self.render(request, "webui/error.html", refusal.status, refusal=refusal, **context)

    def check_form_token(self, signed: SignedIn, token: str) -> None:
        """Refuse a form that does not carry this session's token (another site made the browser post it)."""
        if not token or not secrets.compare_digest(token, signed.csrf_token):
            raise FormRefusedError()

    def set_cookie(
        self, request: Request, response: Response, name: str, value: str, max_age: int | None = None
    ) -> None:
        """An HttpOnly, SameSite=Lax cookie for the UI's paths; Secure everywhere but on this machine."""
        response.set_cookie(
            name,
            value,
            max_age=max_age,
            path=self.config.mount,
            httponly=True,
            samesite="lax",
            secure=request.url.hostname not in LOOPBACK_HOSTS,
        )

    def forget_cookie(self, request: Request, response: Response, name: str) -> None:
        """Remove one of the UI's cookies from the browser."""
        response.delete_cookie(
            name,
            path=self.config.mount,
            httponly=True,
            samesite="lax",
            secure=request.url.hostname not in LOOPBACK_HOSTS,
        )

    def safe_return_path(self, value: str | None) -> str:
        """Where to go after signing in: only a path of the UI itself (never another site)."""
        mount = self.config.mount
        if value and value.startswith(mount + "/") and not value.startswith(mount + "//") and "\\" not in value:
            return value
        return self.config.home


def web_ui(request: Request) -> WebUI:
    """The UI whose route serves this request (its route class names it)."""
    ui: WebUI = request.scope["rtw_web_ui"]
    return ui


def maybe_signed_in(request: Request, uow: UowDep) -> SignedIn | None:
    """Who this browser is signed in as (None: nobody); noted for the audit row of the request."""
    ui = web_ui(request)
    runtime = ui.runtime(request)
    signed = sessions.current(
        uow=uow,
        ui=ui.config,
        oidc=runtime.oidc,
        validator=request.app.state.token_validator,
        limits=runtime.limits,
        session_id=request.cookies.get(ui.config.session_cookie, ""),
    )
    if signed is not None:
        request.state.principal = signed.principal  # the middleware's audit row names them
        request.state.signed = signed
    return signed


MaybeSignedIn = Annotated[SignedIn | None, Depends(maybe_signed_in)]


def signed_in_with_role(request: Request, signed: MaybeSignedIn) -> SignedIn:
    """The signed-in person holding the UI's role (NotSignedInError, WrongRoleError otherwise)."""
    config = web_ui(request).config
    if signed is None:
        query = f"?{request.url.query}" if request.url.query else ""
        raise NotSignedInError(request.url.path + query if request.method == "GET" else config.home)
    if not signed.principal.has_role(config.role):
        raise WrongRoleError()
    return signed


# A page only the UI's role may see: its signature says `signed: RoleSession`.
RoleSession = Annotated[SignedIn, Depends(signed_in_with_role)]


def _route_class(ui: WebUI) -> type[APIRoute]:
    class WebUIRoute(APIRoute):
        """A page: a refusal or error becomes a page (or a sign-in), never problem+json or a stack trace."""

        def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
            handler = super().get_route_handler()

            async def page_handler(request: Request) -> Response:
                request.scope["rtw_web_ui"] = ui
                try:
                    return await handler(request)
                except NotSignedInError as error:
                    login = f"{ui.config.mount}/login?next={quote(error.return_to, safe='/')}"
                    return RedirectResponse(login, status_code=303)
                except WrongRoleError:
                    return ui.render(request, "refused.html", 403)
                except FormRefusedError:
                    detail = "This form could not be accepted: it is out of date or did not come from this page."
                    return ui.error_page(
                        request, Refusal(403, "Form not accepted", f"{detail} Reload the page and try again.")
                    )
                except ProblemError as error:
                    title = ERROR_TITLES.get(error.status) or error.title
                    return ui.error_page(request, Refusal(error.status, title, error.detail))
                except RequestValidationError:
                    detail = "The address or the form is not one these pages made: go back and try again."
                    return ui.error_page(request, Refusal(422, ERROR_TITLES[422], detail))

            return page_handler

    return WebUIRoute
