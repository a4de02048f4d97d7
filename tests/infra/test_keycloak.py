"""The demo realm as README.md describes it, checked on tokens from the real Keycloak."""

from __future__ import annotations

import jwt
import pytest
from keycloak import KeycloakAuthenticationError, KeycloakOpenID, KeycloakPostError

from rtw_shared.testing import DEMO_USERS


@pytest.fixture(scope="module")
def signing_keys(rtw_infra):
    return jwt.PyJWKClient(f"{rtw_infra.keycloak_issuer}/protocol/openid-connect/certs")


def verified_claims(token: str, signing_keys, issuer: str) -> dict:
    """Decode with the checks the services make: RS256 signature, issuer, audience, expiry."""
    key = signing_keys.get_signing_key_from_jwt(token)
    return jwt.decode(token, key.key, algorithms=["RS256"], audience="rtw-api", issuer=issuer)


@pytest.mark.parametrize("username", sorted(DEMO_USERS))
def test_demo_user_token_carries_role_org_and_audience(username, cli_client, signing_keys, rtw_infra):
    role, org_id = DEMO_USERS[username]
    token = cli_client.token(username, "demo")["access_token"]
    claims = verified_claims(token, signing_keys, rtw_infra.keycloak_issuer)
    assert claims["preferred_username"] == username
    assert claims["org_id"] == org_id
    assert claims["typ"] == "Bearer"
    assert "rtw-api" in claims["aud"]
    our_roles = {"therapist", "employer", "insurer", "admin"}
    assert set(claims["realm_access"]["roles"]) & our_roles == {role}


def test_machine_client_gets_insurer_token_by_client_credentials(rtw_infra, signing_keys):
    client = KeycloakOpenID(
        server_url=rtw_infra.keycloak_url,
        realm_name=rtw_infra.keycloak_realm,
        client_id="northwind-api",
        client_secret_key="northwind-secret",
    )
    token = client.token(grant_type="client_credentials")["access_token"]
    claims = verified_claims(token, signing_keys, rtw_infra.keycloak_issuer)
    assert claims["org_id"] == "northwind"
    assert "insurer" in claims["realm_access"]["roles"]
    assert "rtw-api" in claims["aud"]


def test_wrong_password_is_refused(cli_client):
    with pytest.raises(KeycloakAuthenticationError) as refused:
        cli_client.token("ivy", "not-the-password")
    assert refused.value.response_code == 401


def test_machine_client_with_wrong_secret_is_refused(rtw_infra):
    client = KeycloakOpenID(
        server_url=rtw_infra.keycloak_url,
        realm_name=rtw_infra.keycloak_realm,
        client_id="northwind-api",
        client_secret_key="wrong",
    )
    with pytest.raises(KeycloakAuthenticationError):
        client.token(grant_type="client_credentials")


def test_portal_client_cannot_use_the_password_grant(rtw_infra):
    portal = KeycloakOpenID(
        server_url=rtw_infra.keycloak_url, realm_name=rtw_infra.keycloak_realm, client_id="rtw-portal"
    )
    with pytest.raises(KeycloakPostError) as refused:
        portal.token("erin", "demo")
    assert refused.value.response_code == 400
    assert b"unauthorized_client" in refused.value.response_body


def test_users_cannot_change_their_own_org_id(rtw_infra, cli_client):
    """The tenant is set by administrators only: the account API refuses a user's edit."""
    import httpx

    token = cli_client.token("evan", "demo")["access_token"]
    account = f"{rtw_infra.keycloak_issuer}/account"
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    me = httpx.get(account, headers=headers).json()
    me.setdefault("attributes", {})["org_id"] = ["acme"]
    refused = httpx.post(account, headers=headers, json=me)
    assert refused.status_code == 400
    assert refused.json()["field"] == "org_id"
    fresh = cli_client.token("evan", "demo")["access_token"]
    assert jwt.decode(fresh, options={"verify_signature": False})["org_id"] == "globex"
