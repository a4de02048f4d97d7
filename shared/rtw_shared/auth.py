"""Keycloak access tokens, validated locally on every request (Keycloak is never called per
request): RS256 only, exact issuer, audience `rtw-api`, expiry with a small leeway, `typ`
Bearer. Signing keys are fetched once with python-keycloak and cached; an unknown `kid` triggers
a rate-limited refetch, and the stale set is kept when Keycloak is down."""

from __future__ import annotations

import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

import jwt
import structlog
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from keycloak import KeycloakOpenID
from keycloak.exceptions import KeycloakError

from .errors import ForbiddenError, UnauthorizedError
from .settings import ServiceSettings

log = structlog.get_logger("rtw.auth")
ROLES = frozenset({"therapist", "employer", "insurer", "admin"})
LEEWAY_SECONDS = 30
REFETCH_INTERVAL_SECONDS = 30
# Tokens already validated, kept until they expire: a caller's next request with the same token costs a
# dictionary look-up instead of a signature check (~6% of a create's CPU). At most this many.
VALIDATED_CACHE_SIZE = 4096


@dataclass(frozen=True)
class Principal:
    subject: str
    username: str
    roles: frozenset[str]
    org_id: str
    email: str | None = None
    # Whether Keycloak checked that the person receives mail at `email` (the token's `email_verified`).
    email_verified: bool = False

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))

    @property
    def verified_email(self) -> str | None:
        """The caller's email address, only if Keycloak verified it: anything keyed by an address (email
        preferences, where a case's emails go) uses this, never an address someone merely typed in."""
        return self.email if self.email and self.email_verified else None

    @property
    def role(self) -> str:
        """The caller's RTW role (demo users hold exactly one)."""
        return sorted(self.roles)[0] if self.roles else ""


class JwksCache:
    """Signing keys by `kid`, fetched through python-keycloak."""

    def __init__(self, openid: KeycloakOpenID):
        self._openid = openid
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = 0.0
        self._lock = threading.Lock()

    def key(self, kid: str) -> jwt.PyJWK | None:
        if kid not in self._keys:
            self.refresh()
        return self._keys.get(kid)

    def refresh(self, *, force: bool = False) -> bool:
        """Refetch unless we did so very recently; keep the old keys if Keycloak is down."""
        with self._lock:
            if not force and time.monotonic() - self._fetched_at < REFETCH_INTERVAL_SECONDS and self._keys:
                return True
            try:
                jwks = self._openid.certs()
            except (KeycloakError, OSError) as error:
                log.warning("could not fetch signing keys; keeping the cached set", error=str(error))
                return bool(self._keys)
            finally:
                self._fetched_at = time.monotonic()
            self._keys = {
                k["kid"]: jwt.PyJWK(k)
                for k in jwks.get("keys", [])
                if k.get("use", "sig") == "sig" and k.get("alg", "RS256") == "RS256"
            }
            return bool(self._keys)

    @property
    def loaded(self) -> bool:
        return bool(self._keys)


class TokenValidator:
    def __init__(self, settings: ServiceSettings):
        self.issuer = settings.keycloak_issuer
        self.audience = settings.token_audience
        self.jwks = JwksCache(
            KeycloakOpenID(server_url=settings.keycloak_url, realm_name=settings.keycloak_realm, client_id="rtw-api")
        )
        # token → (its principal, when it stops being accepted): exactly what a full check would answer
        # until then, since a token's bytes fix its signature and claims.
        self._validated: dict[str, tuple[Principal, float]] = {}

    def validate(self, token: str) -> Principal:
        """The token's principal: from the cache of tokens already validated while it has not expired,
        else from a full check (signature, issuer, audience, expiry, type), which is then cached."""
        cached = self._validated.get(token)
        if cached is not None and time.time() < cached[1]:  # the wall clock, as PyJWT checks `exp`
            return cached[0]
        principal, expires = self._check(token)
        if len(self._validated) >= VALIDATED_CACHE_SIZE:
            self._validated.clear()  # simpler than LRU, and a refill costs one check per live token
        self._validated[token] = (principal, expires)
        return principal

    def _check(self, token: str) -> tuple[Principal, float]:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise UnauthorizedError(f"malformed token: {error}", headers=_challenge()) from error
        if header.get("alg") != "RS256":
            raise UnauthorizedError("token must be signed with RS256", headers=_challenge())
        key = self.jwks.key(header.get("kid", ""))
        if key is None:
            raise UnauthorizedError("token signed by an unknown key", headers=_challenge())
        try:
            claims = jwt.decode(
                token,
                key.key,
                algorithms=["RS256"],
                audience=self.audience,
                issuer=self.issuer,
                leeway=LEEWAY_SECONDS,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
            )
        except jwt.PyJWTError as error:
            raise UnauthorizedError(f"invalid token: {error}", headers=_challenge()) from error
        if claims.get("typ") != "Bearer":
            raise UnauthorizedError("not an access token (typ must be Bearer)", headers=_challenge())
        return principal_from_claims(claims), float(claims["exp"]) + LEEWAY_SECONDS


def principal_from_claims(claims: Mapping[str, Any]) -> Principal:
    org_id = claims.get("org_id")
    if not org_id:
        raise ForbiddenError("your account has no organisation (org_id); ask an administrator")
    roles = frozenset(claims.get("realm_access", {}).get("roles", [])) & ROLES
    return Principal(
        subject=claims["sub"],
        username=claims.get("preferred_username", claims["sub"]),
        roles=roles,
        org_id=org_id,
        email=claims.get("email"),
        email_verified=claims.get("email_verified") is True,
    )


def _challenge() -> dict[str, str]:
    return {"WWW-Authenticate": 'Bearer realm="rtw"'}


def bearer_token(authorization: bytes | str | None) -> str:
    """The token of an `Authorization: Bearer …` header (401 when there is none)."""
    if isinstance(authorization, bytes):
        authorization = authorization.decode("latin-1")
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise UnauthorizedError("a bearer token is required", headers=_challenge(), reason="missing")
    return token.strip()


# Declares the scheme in the OpenAPI document; the gate (rtw_shared.gate) has already checked the token.
_bearer = HTTPBearer(auto_error=False)


async def current_principal(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
) -> Principal:
    """The authenticated caller: the gate validated the token before the body was read. (Async: it does
    no I/O, and a sync dependency costs a hop to a worker thread and back on every request.)"""
    principal: Principal | None = getattr(request.state, "principal", None)
    if principal is None:  # a route outside the gate's prefix: validate here
        if credentials is None:
            raise UnauthorizedError("a bearer token is required", headers=_challenge())
        principal = request.app.state.token_validator.validate(credentials.credentials)
        request.state.principal = principal
    structlog.contextvars.bind_contextvars(user=principal.username, org_id=principal.org_id)
    return principal


def require_role(*roles: str) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency admitting only callers holding one of `roles` (403 otherwise)."""

    async def dependency(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if not principal.has_role(*roles):
            raise ForbiddenError(f"this action needs the role {' or '.join(roles)}")
        return principal

    return dependency


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
Therapist = Annotated[Principal, Depends(require_role("therapist"))]
Employer = Annotated[Principal, Depends(require_role("employer"))]
Admin = Annotated[Principal, Depends(require_role("admin"))]
