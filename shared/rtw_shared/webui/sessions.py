"""Signing in to a web UI, staying signed in, and signing out (docs/portal.md, docs/workspace.md).

The browser keeps a random id in a cookie; the database keeps its SHA-256 with the Keycloak tokens.
Every page asks `current()`: a session idle too long (or too old) is gone; an access token about to
expire is refreshed; the access token is validated like an API bearer token, so a page's caller is the
same Principal the API would see. Each use case commits at most once."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

import structlog

from ..auth import Principal, TokenValidator
from ..errors import ProblemError
from ..uow import UnitOfWork
from . import repository
from .config import SessionLimits, SignedIn, WebUIConfig
from .models import SessionRow
from .oidc import KeycloakWebClient, SignInError

log = structlog.get_logger("rtw.webui")
LOGIN_VALID_FOR = timedelta(minutes=10)  # time to type a password on Keycloak's page
REFRESH_AHEAD = timedelta(seconds=30)  # refresh a token this close to its expiry


def digest(secret: str) -> str:
    """What the database keeps of a cookie's id."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    """A cookie id or CSRF token: 256 random bits."""
    return secrets.token_urlsafe(32)


def start_login(
    *, uow: UnitOfWork, ui: WebUIConfig, oidc: KeycloakWebClient, redirect_uri: str, return_to: str
) -> tuple[str, str]:
    """Begin a sign-in: returns the login cookie's id and Keycloak's authorization URL."""
    authorization = oidc.authorization(redirect_uri)
    login_id = new_secret()
    repository.add(
        uow.session,
        ui.login_model(
            id_sha256=digest(login_id),
            state=authorization.state,
            nonce=authorization.nonce,
            code_verifier=authorization.code_verifier,
            return_to=return_to,
            created_at=uow.now(),  # compared with uow.now() when the sign-in comes back
        ),
    )
    uow.commit()
    return login_id, authorization.url


def finish_login(
    *,
    uow: UnitOfWork,
    ui: WebUIConfig,
    oidc: KeycloakWebClient,
    validator: TokenValidator,
    limits: SessionLimits,
    login_id: str,
    state: str,
    code: str,
    redirect_uri: str,
) -> tuple[str, str, Principal]:
    """Complete a sign-in begun in this browser: returns the session cookie's id, where to go, and who it is."""
    login = repository.take_login(uow.session, ui.login_model, digest(login_id)) if login_id else None
    now = uow.now()
    if login is None or login.created_at < now - LOGIN_VALID_FOR or not secrets.compare_digest(login.state, state):
        uow.commit()  # the sign-in is used up either way
        raise SignInError("this sign-in did not start here, or it took too long")
    token = oidc.exchange(code=code, redirect_uri=redirect_uri, code_verifier=login.code_verifier, nonce=login.nonce)
    principal = _validated(validator, token["access_token"])
    session_id = new_secret()
    repository.add(uow.session, _session_row(ui, digest(session_id), principal, token, now))
    repository.prune(
        uow.session,
        ui.login_model,
        ui.session_model,
        logins_before=now - LOGIN_VALID_FOR,
        idle_before=now - timedelta(minutes=limits.idle_minutes),
        started_before=now - timedelta(hours=limits.max_session_hours),
    )
    uow.commit()
    log.info("sign-in", ui=ui.name, user=principal.username, org_id=principal.org_id)
    return session_id, login.return_to, principal


def current(
    *,
    uow: UnitOfWork,
    ui: WebUIConfig,
    oidc: KeycloakWebClient,
    validator: TokenValidator,
    limits: SessionLimits,
    session_id: str,
) -> SignedIn | None:
    """Who this browser is signed in as (None: not, or no longer); keeps the session alive and its token fresh."""
    row = repository.get_session(uow.session, ui.session_model, digest(session_id)) if session_id else None
    if row is None:
        return None
    now = uow.now()
    idle, too_old = timedelta(minutes=limits.idle_minutes), timedelta(hours=limits.max_session_hours)
    try:
        if row.last_seen_at < now - idle or row.created_at < now - too_old:
            raise SignInError("the session timed out")
        if row.access_expires_at - now < REFRESH_AHEAD:
            _refresh(row, oidc, now)
        principal = _validated(validator, row.access_token)
    except SignInError as error:
        log.info("session ended", ui=ui.name, reason=str(error))
        repository.remove_session(uow.session, ui.session_model, row.id_sha256)
        uow.commit()
        return None
    row.last_seen_at = now
    uow.commit()
    return SignedIn(principal=principal, csrf_token=row.csrf_token, access_token=row.access_token)


def logout(*, uow: UnitOfWork, ui: WebUIConfig, session_id: str) -> str | None:
    """End the session; returns its ID token, so Keycloak's session can end too (None: none)."""
    row = repository.remove_session(uow.session, ui.session_model, digest(session_id)) if session_id else None
    uow.commit()
    return row.id_token if row else None


def _refresh(row: SessionRow, oidc: KeycloakWebClient, now: datetime) -> None:
    if not row.refresh_token:
        raise SignInError("the access token expired and there is no refresh token")
    token = oidc.refresh(row.refresh_token)
    row.access_token = token["access_token"]
    row.access_expires_at = now + timedelta(seconds=int(token.get("expires_in", 60)))
    row.refresh_token = token.get("refresh_token", row.refresh_token)
    row.id_token = token.get("id_token", row.id_token)


def _validated(validator: TokenValidator, access_token: str) -> Principal:
    """The caller an access token names, checked exactly as an API bearer token is."""
    try:
        return validator.validate(access_token)
    except ProblemError as error:
        raise SignInError(error.detail) from error


def _session_row(
    ui: WebUIConfig, id_sha256: str, principal: Principal, token: dict[str, Any], now: datetime
) -> SessionRow:
    return ui.session_model(
        id_sha256=id_sha256,
        subject=principal.subject,
        username=principal.username,
        csrf_token=new_secret(),
        access_token=token["access_token"],
        access_expires_at=now + timedelta(seconds=int(token.get("expires_in", 60))),
        refresh_token=token.get("refresh_token"),
        id_token=token["id_token"],
        created_at=now,
        last_seen_at=now,
    )
