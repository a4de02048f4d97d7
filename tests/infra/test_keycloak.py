"""The demo realm as README.md describes it, checked on tokens from the real Keycloak; and what the
realm files of this checkout promise (exact return addresses, email addresses only an administrator
changes), checked in the files and on a throw-away import of the development realm."""

from __future__ import annotations

import json
import uuid
from urllib.parse import urlsplit

import jwt
import pytest
from keycloak import KeycloakAdmin, KeycloakAuthenticationError, KeycloakOpenID, KeycloakPostError

from rtw_devstack import realm
from rtw_devstack.accounts import realm_copy
from rtw_intake.settings import DEVELOPMENT_DIRECTORY_SECRET
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


# --- the realm files themselves: what the running realm (imported from the main checkout) may lag behind


LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


def realm_files() -> dict[str, dict]:
    return {
        "development": json.loads(realm.DEVELOPMENT_REALM.read_text()),
        "production": json.loads(realm.PRODUCTION_REALM.read_text()),
    }


def return_addresses(client: dict) -> list[str]:
    """Where a browser client may send people back to: after sign-in and after sign-out."""
    after_logout = client.get("attributes", {}).get("post.logout.redirect.uris", "")
    return [*client.get("redirectUris", []), *[uri for uri in after_logout.split("##") if uri]]


# Each browser client, and the only paths it may send people back to.
BROWSER_CLIENTS = {
    "rtw-portal": ("/portal/callback", "/portal/signed-out"),
    "rtw-clinic": ("/clinic/callback", "/clinic/signed-out"),
}


@pytest.mark.parametrize("which", ["development", "production"])
def test_browser_clients_return_only_to_exact_addresses(which):
    """No wildcard, and no loopback address without its port (RFC 8252 lets that match any port)."""
    browser_clients = [c for c in realm_files()[which]["clients"] if c.get("standardFlowEnabled")]
    assert sorted(c["clientId"] for c in browser_clients) == sorted(BROWSER_CLIENTS)
    for client in browser_clients:
        addresses = return_addresses(client)
        assert addresses, client["clientId"]
        assert client["publicClient"] is True and client["attributes"]["pkce.code.challenge.method"] == "S256"
        assert not client.get("directAccessGrantsEnabled") and not client.get("implicitFlowEnabled")
        for address in addresses:
            assert "*" not in address, address
            filled = address.replace(realm.PORTAL_URL, "https://rtw.example.org")
            parts = urlsplit(filled.replace(realm.WORKSPACE_URL, "https://rtw.example.org"))
            assert parts.path in BROWSER_CLIENTS[client["clientId"]], address
            assert parts.hostname not in LOOPBACK_HOSTS or parts.port is not None, address


def test_the_workspace_client_returns_to_make_ups_workplan_and_the_production_workspace_address():
    development, production = (
        next(c for c in realm_files()[which]["clients"] if c["clientId"] == "rtw-clinic")
        for which in ("development", "production")
    )
    assert return_addresses(development) == [
        "http://127.0.0.1:8102/clinic/callback",
        "http://localhost:8102/clinic/callback",
        "http://127.0.0.1:8102/clinic/signed-out",
        "http://localhost:8102/clinic/signed-out",
    ]
    assert return_addresses(production) == [
        "${RTW_WORKSPACE_URL}/clinic/callback",
        "${RTW_WORKSPACE_URL}/clinic/signed-out",
    ]
    mappers = {m["name"] for m in development["protocolMappers"]}
    assert mappers == {"org_id", "audience rtw-api"}  # its tokens call every service's API, as the caller


@pytest.mark.parametrize("which", ["development", "production"])
def test_users_may_not_edit_their_own_email_address(which):
    """The services trust the token's email (email preferences are keyed by it): only an administrator sets it."""
    [provider] = realm_files()[which]["components"]["org.keycloak.userprofile.UserProfileProvider"]
    profile = json.loads(provider["config"]["kc.user.profile.config"][0])
    email = next(a for a in profile["attributes"] if a["name"] == "email")
    assert email["permissions"]["edit"] == ["admin"]


@pytest.fixture(scope="module")
def development_copy(rtw_infra):
    """The development realm file as it stands in this checkout, imported under a throw-away name."""
    with realm_copy(rtw_infra.keycloak_url, realm.DEVELOPMENT_REALM, prefix="rtw-dev") as name:
        yield name


def test_a_user_cannot_change_their_email_through_the_account_api(rtw_infra, development_copy):
    import httpx

    issuer = f"{rtw_infra.keycloak_url}/realms/{development_copy}"
    cli = KeycloakOpenID(server_url=rtw_infra.keycloak_url, realm_name=development_copy, client_id="rtw-cli")
    headers = {"Authorization": f"Bearer {cli.token('evan', 'demo')['access_token']}", "Accept": "application/json"}
    me = httpx.get(f"{issuer}/account", headers=headers).json()
    refused = httpx.post(f"{issuer}/account", headers=headers, json={**me, "email": "coordinator@acme.example"})
    assert refused.status_code == 400 and refused.json()["field"] == "email"
    claims = jwt.decode(cli.token("evan", "demo")["access_token"], options={"verify_signature": False})
    assert (claims["email"], claims["email_verified"]) == ("evan@globex.example", True)


@pytest.mark.parametrize(
    ("client_id", "redirect_uri", "accepted"),
    [
        ("rtw-portal", "http://127.0.0.1:8103/portal/callback", True),
        ("rtw-portal", "http://localhost:8103/portal/callback", True),
        ("rtw-portal", "http://127.0.0.1:9999/portal/callback", False),  # another port of the same loopback host
        ("rtw-portal", "http://127.0.0.1/portal/callback", False),
        ("rtw-portal", "http://127.0.0.1:8103/portal/elsewhere", False),
        ("rtw-portal", "http://127.0.0.1:8102/clinic/callback", False),  # the workspace's, not the portal's
        ("rtw-clinic", "http://127.0.0.1:8102/clinic/callback", True),
        ("rtw-clinic", "http://localhost:8102/clinic/callback", True),
        ("rtw-clinic", "http://127.0.0.1:9999/clinic/callback", False),
        ("rtw-clinic", "http://127.0.0.1/clinic/callback", False),
        ("rtw-clinic", "http://127.0.0.1:8102/clinic/elsewhere", False),
        ("rtw-clinic", "http://127.0.0.1:8103/portal/callback", False),
    ],
)
def test_each_browser_client_returns_only_to_its_own_address(
    rtw_infra, development_copy, client_id, redirect_uri, accepted
):
    import httpx

    answer = httpx.get(
        f"{rtw_infra.keycloak_url}/realms/{development_copy}/protocol/openid-connect/auth",
        params={
            "client_id": client_id,
            "response_type": "code",
            "scope": "openid",
            "redirect_uri": redirect_uri,
            "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            "code_challenge_method": "S256",
        },
    )
    assert (answer.status_code == 200 and "kc-form-login" in answer.text) is accepted, answer.status_code
    if not accepted:
        assert answer.status_code == 400 and "redirect_uri" in answer.text


def test_the_workspace_client_cannot_use_the_password_grant(rtw_infra, development_copy):
    """Like the portal's: a browser client signs people in on Keycloak's page only."""
    clinic = KeycloakOpenID(server_url=rtw_infra.keycloak_url, realm_name=development_copy, client_id="rtw-clinic")
    with pytest.raises(KeycloakPostError) as refused:
        clinic.token("tara", "demo")
    assert refused.value.response_code == 400
    assert b"unauthorized_client" in refused.value.response_body


# --- intake's directory client: a service account that reads users and roles, and nothing else

DIRECTORY = "rtw-intake-directory"
DIRECTORY_ROLES = {"view-users", "view-realm"}


def directory_client(which: str) -> dict:
    return next(c for c in realm_files()[which]["clients"] if c["clientId"] == DIRECTORY)


@pytest.mark.parametrize("which", ["development", "production"])
def test_the_directory_client_is_confidential_and_signs_in_by_client_credentials_only(which):
    client = directory_client(which)
    assert client["publicClient"] is False and client["clientAuthenticatorType"] == "client-secret"
    assert client["serviceAccountsEnabled"] is True
    assert not any(
        client.get(flow) for flow in ("standardFlowEnabled", "implicitFlowEnabled", "directAccessGrantsEnabled")
    )
    grants = ("oauth2.device.authorization.grant.enabled", "oidc.ciba.grant.enabled", "standard.token.exchange.enabled")
    assert [client["attributes"][grant] for grant in grants] == ["false"] * 3
    assert "protocolMappers" not in client  # no `rtw-api` audience: its tokens open no RTW API
    [account] = [u for u in realm_files()[which]["users"] if u.get("serviceAccountClientId") == DIRECTORY]
    assert {owner: set(roles) for owner, roles in account["clientRoles"].items()} == {
        "realm-management": DIRECTORY_ROLES
    }
    assert "realmRoles" not in account and "attributes" not in account  # no RTW role, no organisation


def test_the_development_directory_secret_is_published_and_production_has_a_placeholder_instead():
    development, production = directory_client("development")["secret"], directory_client("production")["secret"]
    assert development == DEVELOPMENT_DIRECTORY_SECRET  # IntakeSettings' default: make up's intake uses it
    assert production == realm.DIRECTORY_SECRET == "${RTW_INTAKE_DIRECTORY_SECRET}"
    assert development not in realm.PRODUCTION_REALM.read_text()


def test_the_development_directory_client_reads_role_members_and_may_change_nothing(rtw_infra, development_copy):
    as_client = KeycloakAdmin(
        server_url=rtw_infra.keycloak_url,
        realm_name=development_copy,
        client_id=DIRECTORY,
        client_secret_key=directory_client("development")["secret"],
    )
    token = KeycloakOpenID(
        server_url=rtw_infra.keycloak_url,
        realm_name=development_copy,
        client_id=DIRECTORY,
        client_secret_key=directory_client("development")["secret"],
    ).token(grant_type="client_credentials")["access_token"]
    claims = jwt.decode(token, options={"verify_signature": False})
    composites = {"query-users", "query-groups"}  # what view-users includes
    assert set(claims["resource_access"]["realm-management"]["roles"]) == DIRECTORY_ROLES | composites
    assert "rtw-api" not in claims.get("aud", [])
    insurers = as_client.get_realm_role_members("insurer", {"briefRepresentation": False})
    assert {u["username"]: u["attributes"]["org_id"] for u in insurers} == {
        "ivy": ["northwind"],
        "ian": ["contoso"],
        "service-account-northwind-api": ["northwind"],
    }
    with pytest.raises(KeycloakPostError) as refused:
        as_client.create_user({"username": f"intruder-{uuid.uuid4().hex[:6]}", "enabled": True})
    assert refused.value.response_code == 403
    with pytest.raises(KeycloakAuthenticationError):
        KeycloakOpenID(
            server_url=rtw_infra.keycloak_url, realm_name=development_copy, client_id=DIRECTORY, client_secret_key="x"
        ).token(grant_type="client_credentials")
