"""A web UI's front door and sign-in routes, and `install`, which puts the UI on an app.

Routes under the UI's mount, named after it (`portal_login`, `clinic_login`, …; the audit rows name them):
- `GET {mount}`: the front door: a "Sign in" button (the app's `welcome.html`); a signed-in person with
  the UI's role goes to its home, anyone else gets its `refused.html` (403);
- `GET {mount}/login`: stores a fresh state, nonce and PKCE verifier, sends the browser to Keycloak;
- `GET {mount}/callback`: takes that sign-in once, compares state, trades the code, starts the session;
- `POST {mount}/logout` (CSRF token): ends the session and Keycloak's, then `GET {mount}/signed-out`."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, FastAPI, Form, Query, Request, Response
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from ..dependencies import UowDep
from ..settings import ServiceSettings
from . import sessions
from .config import SessionLimits
from .middleware import WebUIMiddleware
from .oidc import KeycloakWebClient, SignInError
from .pages import LOGIN_COOKIE_SECONDS, MaybeSignedIn, Refusal, Runtime, WebUI, WrongRoleError, web_ui

Token = Annotated[str, Form(max_length=100)]


def install(app: FastAPI, ui: WebUI, settings: ServiceSettings, *, client_id: str, limits: SessionLimits) -> None:
    """Serve `ui` from `app`: its Keycloak client and session limits, its static files (the app's, then the
    shared stylesheet), its security headers and audit rows. Its routers (`router(ui)` and the app's pages)
    are passed to create_service_app like any other."""
    if not hasattr(app.state, "web_uis"):
        app.state.web_uis = {}
    app.state.web_uis[ui.config.name] = Runtime(oidc=KeycloakWebClient(settings, client_id), limits=limits)
    static = StaticFiles(directory=ui.config.static_dir, packages=[("rtw_shared.webui", "static")])
    app.mount(f"{ui.config.mount}/static", static, name=ui.config.static_route)
    # Sign-out posts to the page, which redirects to Keycloak: the form's target must allow it.
    issuer = urlsplit(settings.keycloak_issuer)
    app.add_middleware(WebUIMiddleware, mount=ui.config.mount, form_targets=f"{issuer.scheme}://{issuer.netloc}")


def router(ui: WebUI) -> APIRouter:
    """The UI's front door, sign-in, callback, sign-out and signed-out page."""
    routes = APIRouter(prefix=ui.config.mount, route_class=ui.route_class, include_in_schema=False)
    routes.add_api_route("", home, name=ui.config.route("home"))
    routes.add_api_route("/login", login, name=ui.config.route("login"))
    routes.add_api_route("/callback", callback, name=ui.config.route("callback"))
    routes.add_api_route("/logout", logout, methods=["POST"], name=ui.config.route("logout"))
    routes.add_api_route("/signed-out", signed_out, name=ui.config.route("signed_out"))
    return routes


def home(request: Request, signed: MaybeSignedIn) -> Response:
    """The front door: signed-in people with the role go to the UI's home, everyone else is asked to sign in."""
    ui = web_ui(request)
    if signed is None:
        return ui.render(request, "welcome.html")
    if not signed.principal.has_role(ui.config.role):
        raise WrongRoleError()
    return RedirectResponse(ui.config.home, status_code=303)


def login(request: Request, uow: UowDep, next: Annotated[str | None, Query(max_length=500)] = None) -> Response:
    """Send the browser to Keycloak's sign-in page (authorization code + PKCE)."""
    ui = web_ui(request)
    login_id, url = sessions.start_login(
        uow=uow,
        ui=ui.config,
        oidc=ui.runtime(request).oidc,
        redirect_uri=str(request.url_for(ui.config.route("callback"))),
        return_to=ui.safe_return_path(next),
    )
    response = RedirectResponse(url, status_code=303)
    ui.set_cookie(request, response, ui.config.login_cookie, login_id, max_age=LOGIN_COOKIE_SECONDS)
    return response


def callback(
    request: Request,
    uow: UowDep,
    code: Annotated[str, Query(max_length=4000)] = "",
    state: Annotated[str, Query(max_length=200)] = "",
    error: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """Keycloak sends the browser back here: check state and nonce, trade the code, start the session."""
    ui = web_ui(request)
    if error or not code:
        return _sign_in_failed(ui, request, f"Keycloak answered: {error or 'no code'}.")
    runtime = ui.runtime(request)
    try:
        session_id, return_to, principal = sessions.finish_login(
            uow=uow,
            ui=ui.config,
            oidc=runtime.oidc,
            validator=request.app.state.token_validator,
            limits=runtime.limits,
            login_id=request.cookies.get(ui.config.login_cookie, ""),
            state=state,
            code=code,
            redirect_uri=str(request.url_for(ui.config.route("callback"))),
        )
    except SignInError as failure:
        return _sign_in_failed(ui, request, f"{failure}.")
    request.state.principal = principal  # the sign-in itself is audited
    response = RedirectResponse(return_to, status_code=303)
    ui.set_cookie(request, response, ui.config.session_cookie, session_id)
    ui.forget_cookie(request, response, ui.config.login_cookie)
    return response


def logout(request: Request, uow: UowDep, signed: MaybeSignedIn, csrf_token: Token = "") -> Response:
    """End the session and Keycloak's, then come back to the signed-out page."""
    ui = web_ui(request)
    signed_out = str(request.url_for(ui.config.route("signed_out")))
    target = signed_out
    if signed is not None:
        ui.check_form_token(signed, csrf_token)
        id_token = sessions.logout(uow=uow, ui=ui.config, session_id=request.cookies.get(ui.config.session_cookie, ""))
        if id_token:
            target = ui.runtime(request).oidc.end_session_url(id_token=id_token, post_logout_redirect_uri=signed_out)
    response = RedirectResponse(target, status_code=303)
    ui.forget_cookie(request, response, ui.config.session_cookie)
    return response


def signed_out(request: Request) -> Response:
    """Confirms the sign-out."""
    return web_ui(request).render(request, "webui/signed_out.html")


def _sign_in_failed(ui: WebUI, request: Request, reason: str) -> Response:
    detail = f"Signing in did not work: {reason} Please sign in again."
    return ui.error_page(request, Refusal(400, "Signing in did not work", detail), sign_in=True)
