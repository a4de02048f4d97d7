"""The Helm chart's realm import (`rtw_devstack.realm_sync`) against the real Keycloak: it creates the
production realm, brings a realm that drifted back to the file, and keeps what the file lacks."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from keycloak import KeycloakAdmin

from rtw_devstack import realm, realm_sync
from rtw_devstack.keycloak import ADMIN_PASSWORD, ADMIN_USER

PORTAL = "https://rtw.example.org"
WORKSPACE = "https://clinic.rtw.example.org"  # may differ from the portal's (the chart serves both on one host)


@pytest.fixture
def scratch_realm(rtw_infra: Any) -> Iterator[tuple[KeycloakAdmin, str]]:
    """An administrator, and a throw-away realm name deleted afterwards."""
    name = f"rtw-sync-{uuid.uuid4().hex[:8]}"
    admin = KeycloakAdmin(
        server_url=rtw_infra.keycloak_url, username=ADMIN_USER, password=ADMIN_PASSWORD, realm_name="master"
    )
    yield admin, name
    admin.change_current_realm("master")
    if realm_sync.exists(admin, name):
        admin.delete_realm(name)


def portal_of(admin: KeycloakAdmin, name: str = "rtw-portal") -> dict[str, Any]:
    client_id = admin.get_client_id(name)
    assert client_id is not None
    client = admin.get_client(client_id)
    del client["protocolMappers"]  # listed in no particular order: `mappers` holds them by name
    client["mappers"] = {m["name"]: m["config"] for m in admin.get_mappers_from_client(client_id)}
    client["optional"] = sorted(s["name"] for s in admin.get_client_optional_client_scopes(client_id))
    client["default"] = sorted(s["name"] for s in admin.get_client_default_client_scopes(client_id))
    return client


def test_a_missing_realm_is_created_from_the_file(scratch_realm: tuple[KeycloakAdmin, str]) -> None:
    admin, name = scratch_realm
    wanted = realm_sync.load(realm.PRODUCTION_REALM, realm=name, portal_url=PORTAL, workspace_url=WORKSPACE)
    assert realm_sync.sync(admin, wanted) == [f"created realm {name}"]
    admin.change_current_realm(name)
    assert portal_of(admin)["redirectUris"] == [f"{PORTAL}/portal/callback"]
    clinic = portal_of(admin, "rtw-clinic")
    assert clinic["redirectUris"] == [f"{WORKSPACE}/clinic/callback"]
    assert clinic["attributes"]["post.logout.redirect.uris"] == f"{WORKSPACE}/clinic/signed-out"
    assert admin.get_realm(name)["sslRequired"] == "external"


def test_a_realm_that_drifted_is_brought_back_and_what_the_file_lacks_is_kept(
    scratch_realm: tuple[KeycloakAdmin, str],
) -> None:
    admin, name = scratch_realm
    wanted = realm_sync.load(realm.PRODUCTION_REALM, realm=name, portal_url=PORTAL)
    realm_sync.sync(admin, wanted)
    admin.change_current_realm(name)
    expected = portal_of(admin)
    # What an old version of the realm, or a hand in the console, left behind:
    admin.update_realm(name, {"sslRequired": "none", "revokeRefreshToken": False})
    portal_id = admin.get_client_id("rtw-portal")
    assert portal_id is not None
    admin.update_client(portal_id, {"redirectUris": ["https://old.example.org/*"], "directAccessGrantsEnabled": True})
    org_id = next(m for m in admin.get_mappers_from_client(portal_id) if m["name"] == "org_id")
    admin.update_client_mapper(portal_id, org_id["id"], {**org_id, "config": {**org_id["config"], "claim.name": "org"}})
    offline = next(s for s in admin.get_client_scopes() if s["name"] == "offline_access")
    admin.add_client_optional_client_scope(portal_id, offline["id"], {})
    admin.create_client({"clientId": "insurer-acme-api", "secret": "s3cret", "serviceAccountsEnabled": True})
    admin.update_realm_role("insurer", {"name": "insurer", "description": "changed"})

    done = realm_sync.sync(admin, wanted)

    assert done[0] == f"updated realm {name}'s settings" and "updated client rtw-portal" in done
    settings = admin.get_realm(name)
    assert (settings["sslRequired"], settings["revokeRefreshToken"]) == ("external", True)
    after = portal_of(admin)
    for key in ("redirectUris", "directAccessGrantsEnabled", "mappers", "optional", "default"):
        assert after[key] == expected[key], key
    assert after["optional"] == []  # no offline tokens from a browser session
    assert admin.get_client_id("insurer-acme-api") is not None  # an operator's client stays
    assert admin.get_realm_role("insurer")["description"] == "Claims adjuster or insurer system"


def test_updating_an_up_to_date_realm_changes_nothing(scratch_realm: tuple[KeycloakAdmin, str]) -> None:
    admin, name = scratch_realm
    wanted = realm_sync.load(realm.PRODUCTION_REALM, realm=name, portal_url=PORTAL)
    realm_sync.sync(admin, wanted)  # created
    realm_sync.sync(admin, wanted)  # updated: Keycloak fills what the file leaves out with its defaults
    first, settings = portal_of(admin), admin.get_realm(name)
    realm_sync.sync(admin, wanted)
    assert (portal_of(admin), admin.get_realm(name)) == (first, settings)


def test_the_file_gets_both_addresses_and_the_workspace_defaults_to_the_portals() -> None:
    wanted = realm_sync.load(realm.PRODUCTION_REALM, realm="rtw", portal_url=PORTAL + "/")
    assert "${RTW_" not in json.dumps(wanted)  # nothing left for Keycloak to resolve (it would not, over the admin API)
    clients = {c["clientId"]: c for c in wanted["clients"]}
    assert clients["rtw-clinic"]["redirectUris"] == [f"{PORTAL}/clinic/callback"]
    assert clients["rtw-portal"]["redirectUris"] == [f"{PORTAL}/portal/callback"]
