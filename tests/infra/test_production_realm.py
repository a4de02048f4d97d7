"""The production realm (deploy/keycloak/realm-rtw-production.json): current with the development
realm it is derived from, and accepted by the real Keycloak with none of development's conveniences."""

from __future__ import annotations

import json
import uuid

import pytest
from keycloak import KeycloakAdmin, KeycloakAuthenticationError, KeycloakOpenID

from rtw_devstack import realm
from rtw_devstack.keycloak import ADMIN_PASSWORD, ADMIN_USER
from rtw_intake.settings import DEVELOPMENT_DIRECTORY_SECRET


def test_the_committed_production_realm_is_current():
    assert realm.PRODUCTION_REALM.read_text() == realm.render(), (
        "regenerate it: .venv/bin/python -m rtw_devstack.realm > deploy/keycloak/realm-rtw-production.json"
    )


# What RTW_INTAKE_DIRECTORY_SECRET holds where Keycloak imports the file (the operator's own secret).
DIRECTORY_SECRET = uuid.uuid4().hex


@pytest.fixture
def imported(rtw_infra):
    """The production realm imported under a throw-away name, as Keycloak would at start-up with
    RTW_PORTAL_URL and RTW_INTAKE_DIRECTORY_SECRET in its environment."""
    name = f"rtw-prod-{uuid.uuid4().hex[:8]}"
    text = realm.PRODUCTION_REALM.read_text().replace(realm.PORTAL_URL, "https://rtw.example.org")
    text = text.replace(realm.WORKSPACE_URL, "https://rtw.example.org")
    text = text.replace(realm.DIRECTORY_SECRET, DIRECTORY_SECRET)
    payload = {**json.loads(text), "realm": name}
    admin = KeycloakAdmin(
        server_url=rtw_infra.keycloak_url, username=ADMIN_USER, password=ADMIN_PASSWORD, realm_name="master"
    )
    admin.create_realm(payload)
    admin.change_current_realm(name)
    yield name, admin
    admin.change_current_realm("master")
    admin.delete_realm(name)


def test_production_realm_has_no_people_no_password_grant_and_rotating_refresh_tokens(rtw_infra, imported):
    name, admin = imported
    settings = admin.get_realm(name)
    assert settings["sslRequired"] == "external"
    assert settings["revokeRefreshToken"] is True and settings["refreshTokenMaxReuse"] == 0
    assert admin.get_users() == []  # people: the directory client's service account is not listed among them
    ours = [c for c in admin.get_clients() if c["clientId"].startswith(("rtw-", "northwind"))]
    assert sorted(c["clientId"] for c in ours) == ["rtw-clinic", "rtw-intake-directory", "rtw-portal"]
    assert not any(c.get("directAccessGrantsEnabled") for c in ours)
    browsers = [c for c in ours if c["clientId"] != "rtw-intake-directory"]
    redirects = {c["clientId"]: c["redirectUris"] for c in browsers}
    assert redirects == {
        "rtw-portal": ["https://rtw.example.org/portal/callback"],
        "rtw-clinic": ["https://rtw.example.org/clinic/callback"],
    }
    for client in browsers:
        optional = {s["name"] for s in admin.get_client_optional_client_scopes(client["id"])}
        assert "offline_access" not in optional, client["clientId"]


def test_the_demo_password_login_does_not_exist_in_production(rtw_infra, imported):
    name, _ = imported
    client = KeycloakOpenID(server_url=rtw_infra.keycloak_url, realm_name=name, client_id="rtw-cli")
    with pytest.raises(Exception) as refused:
        client.token("tara", "demo")
    assert getattr(refused.value, "response_code", None) in (400, 401)


def test_intakes_directory_client_reads_role_members_with_the_secret_given_at_import(rtw_infra, imported):
    """The service account keeps realm-management's view-users and view-realm; the secret is the one
    the import was given, never the placeholder's text nor the development secret."""
    name, admin = imported
    account = admin.get_client_service_account_user(admin.get_client_id("rtw-intake-directory"))
    assert account["username"] == "service-account-rtw-intake-directory"
    management = admin.get_client_id("realm-management")
    held = {role["name"] for role in admin.get_client_roles_of_user(account["id"], management)}
    assert held == {"view-users", "view-realm"}
    as_client = KeycloakAdmin(
        server_url=rtw_infra.keycloak_url,
        realm_name=name,
        client_id="rtw-intake-directory",
        client_secret_key=DIRECTORY_SECRET,
    )
    assert as_client.get_realm_role_members("insurer", {"briefRepresentation": False}) == []  # no people yet
    for wrong in (realm.DIRECTORY_SECRET, DEVELOPMENT_DIRECTORY_SECRET):
        client = KeycloakOpenID(
            server_url=rtw_infra.keycloak_url,
            realm_name=name,
            client_id="rtw-intake-directory",
            client_secret_key=wrong,
        )
        with pytest.raises(KeycloakAuthenticationError):
            client.token(grant_type="client_credentials")
