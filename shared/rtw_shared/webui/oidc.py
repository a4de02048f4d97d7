"""A web UI's conversation with Keycloak (OpenID Connect, authorization code flow with PKCE S256)
through Authlib, as its public client (`rtw-portal`, `rtw-clinic`).

The browser is sent to the issuer's public address (settings.keycloak_issuer); code exchange,
refresh and signing keys go over the back channel (settings.keycloak_url). The ID token is checked
with Authlib's OpenID Connect rules (issuer, audience, expiry, nonce, at_hash) after its signature
is verified against the realm's keys."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet

from ..settings import ServiceSettings

TIMEOUT_SECONDS = 10
LEEWAY_SECONDS = 30


class SignInError(Exception):
    """Keycloak's answer could not be trusted or used: the person signs in again."""


@dataclass(frozen=True)
class Authorization:
    """Where to send the browser, and what the callback must find again."""

    url: str
    state: str
    nonce: str
    code_verifier: str


class KeycloakWebClient:
    """One public client of the realm: the authorization URL, the code exchange, refresh and sign-out."""

    def __init__(self, settings: ServiceSettings, client_id: str):
        self.client_id = client_id
        self.issuer = settings.keycloak_issuer
        backchannel = f"{settings.keycloak_url.rstrip('/')}/realms/{settings.keycloak_realm}"
        self.authorization_endpoint = f"{self.issuer}/protocol/openid-connect/auth"
        self.end_session_endpoint = f"{self.issuer}/protocol/openid-connect/logout"
        self.token_endpoint = f"{backchannel}/protocol/openid-connect/token"
        self.jwks_uri = f"{backchannel}/protocol/openid-connect/certs"
        self._keys: KeySet | None = None
        self._lock = threading.Lock()

    def _client(self, redirect_uri: str | None = None) -> OAuth2Session:
        return OAuth2Session(
            client_id=self.client_id,
            token_endpoint_auth_method="none",  # noqa: S106 — a public client has no secret
            code_challenge_method="S256",
            redirect_uri=redirect_uri,
            scope="openid",
        )

    def authorization(self, redirect_uri: str) -> Authorization:
        """A fresh state, nonce and PKCE verifier, and the authorization URL that carries them."""
        state, nonce, verifier = generate_token(32), generate_token(32), generate_token(64)
        with self._client(redirect_uri) as client:
            url, _ = client.create_authorization_url(
                self.authorization_endpoint, state=state, nonce=nonce, code_verifier=verifier
            )
        return Authorization(url=url, state=state, nonce=nonce, code_verifier=verifier)

    def exchange(self, *, code: str, redirect_uri: str, code_verifier: str, nonce: str) -> dict[str, Any]:
        """Trade the authorization code for tokens; the ID token must carry `nonce`."""
        try:
            with self._client(redirect_uri) as client:
                token = dict(
                    client.fetch_token(
                        self.token_endpoint, code=code, code_verifier=code_verifier, timeout=TIMEOUT_SECONDS
                    )
                )
        except Exception as error:  # Authlib raises OAuthError, requests its own: both mean "sign in again"
            raise SignInError(f"Keycloak did not accept the sign-in: {error}") from error
        self.check_id_token(token, nonce=nonce)
        return token

    def refresh(self, refresh_token: str) -> dict[str, Any]:
        """New tokens for a refresh token (SignInError when Keycloak ended the session)."""
        try:
            with self._client() as client:
                return dict(
                    client.refresh_token(self.token_endpoint, refresh_token=refresh_token, timeout=TIMEOUT_SECONDS)
                )
        except Exception as error:
            raise SignInError(f"Keycloak did not refresh the session: {error}") from error

    def check_id_token(self, token: dict[str, Any], *, nonce: str) -> dict[str, Any]:
        """The ID token's claims, once its signature and OpenID Connect claims hold (SignInError otherwise)."""
        if "id_token" not in token:
            raise SignInError("Keycloak sent no ID token")
        try:
            decoded = self._decode(token["id_token"])
            claims = CodeIDToken(
                decoded.claims,
                decoded.header,
                {
                    "iss": {"essential": True, "values": [self.issuer]},
                    "aud": {"essential": True, "values": [self.client_id]},
                },
                {"nonce": nonce, "client_id": self.client_id, "access_token": token.get("access_token")},
            )
            claims.validate(leeway=LEEWAY_SECONDS)
        except (JoseError, ValueError) as error:
            raise SignInError(f"the ID token is not valid: {error}") from error
        return dict(claims)

    def end_session_url(self, *, id_token: str, post_logout_redirect_uri: str) -> str:
        """Keycloak's end-session address that signs the browser out there too, then sends it back."""
        query = urlencode(
            {
                "id_token_hint": id_token,
                "post_logout_redirect_uri": post_logout_redirect_uri,
                "client_id": self.client_id,
            }
        )
        return f"{self.end_session_endpoint}?{query}"

    def _decode(self, id_token: str) -> jwt.Token:
        try:
            return jwt.decode(id_token, self._key_set(), algorithms=["RS256"])
        except InvalidKeyIdError:  # Keycloak rotated its keys: fetch them again, once
            return jwt.decode(id_token, self._key_set(refetch=True), algorithms=["RS256"])

    def _key_set(self, *, refetch: bool = False) -> KeySet:
        with self._lock:
            if self._keys is None or refetch:
                response = requests.get(self.jwks_uri, timeout=TIMEOUT_SECONDS)
                response.raise_for_status()
                self._keys = KeySet.import_key_set(response.json())
            return self._keys
