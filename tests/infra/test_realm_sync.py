"""The Helm chart's realm import (`rtw_devstack.realm_sync`) against the real Keycloak: it creates the
production realm, brings a realm that drifted back to the file (intake's directory client, its secret
and its service account's roles among it), and keeps what the file lacks."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from keycloak import KeycloakAdmin, KeycloakAuthenticationError

from rtw_devstack import realm, realm_sync
from rtw_devstack.keycloak import ADMIN_PASSWORD, ADMIN_USER

PORTAL = "https://rtw.example.org"
WORKSPACE = "https://clinic.rtw.example.org"  # may differ from the portal's (the chart serves both on one host)
SECRET = uuid.uuid4().hex  # the operator's, from the Secret intake reads it from too
DIRECTORY = "rtw-intake-directory"


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


def directory_roles(admin: KeycloakAdmin) -> set[str]:
    """The realm-management roles the directory client's service account holds directly."""
    internal_id = admin.get_client_id(DIRECTORY)
    management = admin.get_client_id("realm-management")
    assert internal_id is not None and management is not None
    account = admin.get_client_service_account_user(internal_id)["id"]
    return {role["name"] for role in admin.get_client_roles_of_user(account, management)}


def directory_reads(keycloak_url: str, realm_name: str, secret: str) -> bool:
    """Whether the directory client signs in with `secret` and lists a role's members (view-users and
    view-realm both needed); False when Keycloak refuses the secret."""
    as_client = KeycloakAdmin(
        server_url=keycloak_url, realm_name=realm_name, client_id=DIRECTORY, client_secret_key=secret
    )
    try:
        as_client.get_realm_role_members("insurer")
    except KeycloakAuthenticationError:
        return False
    return True


def test_a_missing_realm_is_created_from_the_file(scratch_realm: tuple[KeycloakAdmin, str]) -> None:
    admin, name = scratch_realm
    wanted = realm_sync.load(
        realm.PRODUCTION_REALM, realm=name, portal_url=PORTAL, directory_secret=SECRET, workspace_url=WORKSPACE
    )
    assert realm_sync.sync(admin, wanted) == [f"created realm {name}"]
    admin.change_current_realm(name)
    assert portal_of(admin)["redirectUris"] == [f"{PORTAL}/portal/callback"]
    clinic = portal_of(admin, "rtw-clinic")
    assert clinic["redirectUris"] == [f"{WORKSPACE}/clinic/callback"]
    assert clinic["attributes"]["post.logout.redirect.uris"] == f"{WORKSPACE}/clinic/signed-out"
    assert admin.get_realm(name)["sslRequired"] == "external"
    assert directory_roles(admin) == {"view-users", "view-realm"}
    assert directory_reads(admin.connection.server_url, name, SECRET)
    assert not directory_reads(admin.connection.server_url, name, realm.DIRECTORY_SECRET)


def test_a_realm_that_drifted_is_brought_back_and_what_the_file_lacks_is_kept(
    scratch_realm: tuple[KeycloakAdmin, str],
) -> None:
    admin, name = scratch_realm
    wanted = realm_sync.load(realm.PRODUCTION_REALM, realm=name, portal_url=PORTAL, directory_secret=SECRET)
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
    wanted = realm_sync.load(realm.PRODUCTION_REALM, realm=name, portal_url=PORTAL, directory_secret=SECRET)
    realm_sync.sync(admin, wanted)  # created
    realm_sync.sync(admin, wanted)  # updated: Keycloak fills what the file leaves out with its defaults
    first, settings = portal_of(admin), admin.get_realm(name)
    realm_sync.sync(admin, wanted)
    assert (portal_of(admin), admin.get_realm(name)) == (first, settings)


def test_the_file_gets_both_addresses_and_the_workspace_defaults_to_the_portals() -> None:
    wanted = realm_sync.load(realm.PRODUCTION_REALM, realm="rtw", portal_url=PORTAL + "/", directory_secret=SECRET)
    assert "${RTW_" not in json.dumps(wanted)  # nothing left for Keycloak to resolve (it would not, over the admin API)
    clients = {c["clientId"]: c for c in wanted["clients"]}
    assert clients["rtw-clinic"]["redirectUris"] == [f"{PORTAL}/clinic/callback"]
    assert clients["rtw-portal"]["redirectUris"] == [f"{PORTAL}/portal/callback"]


def test_a_realm_from_before_the_directory_client_gets_it_with_its_secret_and_roles(
    scratch_realm: tuple[KeycloakAdmin, str],
) -> None:
    """A production realm created before the client existed: the next import adds it, gives it the
    Secret's secret and its service account view-users and view-realm."""
    admin, name = scratch_realm
    wanted = realm_sync.load(realm.PRODUCTION_REALM, realm=name, portal_url=PORTAL, directory_secret=SECRET)
    older = {
        **wanted,
        "clients": [c for c in wanted["clients"] if c["clientId"] != DIRECTORY],
        "users": [u for u in wanted["users"] if u.get("serviceAccountClientId") != DIRECTORY],
    }
    realm_sync.sync(admin, older)
    admin.change_current_realm(name)
    assert admin.get_client_id(DIRECTORY) is None

    done = realm_sync.sync(admin, wanted)

    assert f"created client {DIRECTORY}" in done
    assert f"service account of {DIRECTORY}: added realm-management/view-users, realm-management/view-realm" in done
    assert directory_roles(admin) == {"view-users", "view-realm"}
    assert directory_reads(admin.connection.server_url, name, SECRET)


def test_the_directory_client_gets_the_secrets_secret_and_its_missing_roles_back_and_keeps_what_was_added(
    scratch_realm: tuple[KeycloakAdmin, str],
) -> None:
    admin, name = scratch_realm
    realm_sync.sync(
        admin, realm_sync.load(realm.PRODUCTION_REALM, realm=name, portal_url=PORTAL, directory_secret="old")
    )
    admin.change_current_realm(name)
    internal_id, management = admin.get_client_id(DIRECTORY), admin.get_client_id("realm-management")
    assert internal_id is not None and management is not None
    account = admin.get_client_service_account_user(internal_id)["id"]
    admin.delete_client_roles_of_user(account, management, [admin.get_client_role(management, "view-realm")])
    admin.assign_client_role(account, management, [admin.get_client_role(management, "query-groups")])  # by hand
    assert not directory_reads(admin.connection.server_url, name, SECRET)

    done = realm_sync.sync(
        admin, realm_sync.load(realm.PRODUCTION_REALM, realm=name, portal_url=PORTAL, directory_secret=SECRET)
    )

    assert f"service account of {DIRECTORY}: added realm-management/view-realm" in done
    assert directory_roles(admin) == {"view-users", "view-realm", "query-groups"}  # nothing taken away
    assert directory_reads(admin.connection.server_url, name, SECRET)
    assert not directory_reads(admin.connection.server_url, name, "old")


@pytest.mark.parametrize("secret", ["", "  "])
def test_the_realm_is_not_loaded_without_the_directory_clients_secret(secret: str) -> None:
    with pytest.raises(ValueError, match="RTW_INTAKE_DIRECTORY_SECRET"):
        realm_sync.load(realm.PRODUCTION_REALM, realm="rtw", portal_url=PORTAL, directory_secret=secret)


def test_a_placeholder_nothing_fills_is_refused_and_a_secret_is_written_as_json(tmp_path: Path) -> None:
    file = tmp_path / "realm.json"
    file.write_text('{"realm": "rtw", "clients": [{"secret": "${RTW_INTAKE_DIRECTORY_SECRET}"}], "x": "${RTW_NEW}"}')
    with pytest.raises(ValueError, match=r"\$\{RTW_NEW\}"):
        realm_sync.load(file, realm="rtw", portal_url=PORTAL, directory_secret=SECRET)
    file.write_text('{"realm": "rtw", "clients": [{"secret": "${RTW_INTAKE_DIRECTORY_SECRET}"}], "x": "${username}"}')
    loaded = realm_sync.load(file, realm="rtw", portal_url=PORTAL, directory_secret='a"b\\c')
    assert loaded["clients"][0]["secret"] == 'a"b\\c'
    assert loaded["x"] == "${username}"  # Keycloak's own placeholders stay


def test_the_job_refuses_to_run_without_the_secret_or_with_another_client(monkeypatch: pytest.MonkeyPatch) -> None:
    argv = ["--keycloak-url", "http://127.0.0.1:9", "--portal-url", PORTAL, "--file", str(realm.PRODUCTION_REALM)]
    monkeypatch.delenv("RTW_INTAKE_DIRECTORY_SECRET", raising=False)
    with pytest.raises(SystemExit):
        realm_sync.main(argv)
    monkeypatch.setenv("RTW_INTAKE_DIRECTORY_SECRET", SECRET)
    monkeypatch.setenv("RTW_INTAKE_DIRECTORY_CLIENT_ID", "some-other-client")
    with pytest.raises(SystemExit):
        realm_sync.main(argv)
