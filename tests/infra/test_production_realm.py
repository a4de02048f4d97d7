"""The production realm (deploy/keycloak/realm-rtw-production.json): current with the development
realm it is derived from, and accepted by the real Keycloak with none of development's conveniences."""

from __future__ import annotations

import json
import uuid

import pytest
from keycloak import KeycloakAdmin, KeycloakOpenID

from rtw_devstack import realm
from rtw_devstack.keycloak import ADMIN_PASSWORD, ADMIN_USER


def test_the_committed_production_realm_is_current():
    assert realm.PRODUCTION_REALM.read_text() == realm.render(), (
        "regenerate it: .venv/bin/python -m rtw_devstack.realm > deploy/keycloak/realm-rtw-production.json"
    )


@pytest.fixture
def imported(rtw_infra):
    """The production realm imported under a throw-away name, as Keycloak would at start-up."""
    name = f"rtw-prod-{uuid.uuid4().hex[:8]}"
    text = realm.PRODUCTION_REALM.read_text().replace(realm.PORTAL_URL, "https://rtw.example.org")
    text = text.replace(realm.WORKSPACE_URL, "https://rtw.example.org")
    payload = {**json.loads(text), "realm": name}
    admin = KeycloakAdmin(
        server_url=rtw_infra.keycloak_url, username=ADMIN_USER, password=ADMIN_PASSWORD, realm_name="master"
    )
    admin.create_realm(payload)
    admin.change_current_realm(name)
    yield name, admin
    admin.change_current_realm("master")
    admin.delete_realm(name)


def test_production_realm_has_no_users_no_password_grant_and_rotating_refresh_tokens(rtw_infra, imported):
    name, admin = imported
    settings = admin.get_realm(name)
    assert settings["sslRequired"] == "external"
    assert settings["revokeRefreshToken"] is True and settings["refreshTokenMaxReuse"] == 0
    assert admin.get_users() == []
    ours = [c for c in admin.get_clients() if c["clientId"].startswith(("rtw-", "northwind"))]
    assert sorted(c["clientId"] for c in ours) == ["rtw-clinic", "rtw-portal"]
    assert not any(c.get("directAccessGrantsEnabled") for c in ours)
    redirects = {c["clientId"]: c["redirectUris"] for c in ours}
    assert redirects == {
        "rtw-portal": ["https://rtw.example.org/portal/callback"],
        "rtw-clinic": ["https://rtw.example.org/clinic/callback"],
    }
    for client in ours:
        optional = {s["name"] for s in admin.get_client_optional_client_scopes(client["id"])}
        assert "offline_access" not in optional, client["clientId"]


def test_the_demo_password_login_does_not_exist_in_production(rtw_infra, imported):
    name, _ = imported
    client = KeycloakOpenID(server_url=rtw_infra.keycloak_url, realm_name=name, client_id="rtw-cli")
    with pytest.raises(Exception) as refused:
        client.token("tara", "demo")
    assert getattr(refused.value, "response_code", None) in (400, 401)
