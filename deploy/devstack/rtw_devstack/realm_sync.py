"""Create the production realm in a running Keycloak, or bring an existing one up to date.

Keycloak's own import (`--import-realm`, the operator's KeycloakRealmImport) creates a realm but never
updates one, so a realm changed in this repository would never reach production. This does, through
the admin API (the Helm chart's realm-import Job runs it after every install and upgrade):
- an absent realm is created from the file, whole;
- an existing one gets the file's realm settings, realm roles, user profile and, for each client the
  file names, its settings (its secret among them), protocol mappers and default and optional client
  scopes, and its service account the roles the file gives it that it lacks.
Nothing the file lacks is deleted: users, the clients an operator added (one per insurer) and the roles
given to a service account by hand stay.

`python -m rtw_devstack.realm_sync --keycloak-url URL --portal-url https://rtw.example.org
[--workspace-url https://rtw.example.org] --file realm-rtw-production.json`; the administrator from
KEYCLOAK_ADMIN_USERNAME / _PASSWORD, intake's directory client's secret from RTW_INTAKE_DIRECTORY_SECRET
(and, to check that it names the file's client, its id from RTW_INTAKE_DIRECTORY_CLIENT_ID)."""

from __future__ import annotations

import argparse
import json
import os
import re
from pathlib import Path
from typing import Any

from keycloak import KeycloakAdmin
from keycloak.exceptions import KeycloakGetError

from rtw_devstack.realm import DIRECTORY_CLIENT, DIRECTORY_SECRET, PORTAL_URL, WORKSPACE_URL

RealmJson = dict[str, Any]
# Parts of a realm export that are not plain settings: each is brought up to date on its own (or,
# for users, never touched).
COLLECTIONS = frozenset({"roles", "clients", "users", "components", "groups", "clientScopes", "identityProviders"})
PROFILE_PROVIDER = "org.keycloak.userprofile.UserProfileProvider"
# The realm files' own placeholders (`${username}` and the like in the user profile are Keycloak's).
PLACEHOLDER = re.compile(r"\$\{RTW_[A-Z0-9_]+\}")


def load(
    path: Path, *, realm: str, portal_url: str, directory_secret: str, workspace_url: str | None = None
) -> RealmJson:
    """The realm file with its placeholders filled in (Keycloak resolves them only at start-up imports):
    the portal's and the workspace's addresses (the workspace's defaults to the portal's: one host
    serves both) and the secret of intake's directory client; named `realm`. A placeholder left
    unfilled would become a value anyone can read in this repository, so it is refused."""
    if not directory_secret.strip():
        raise ValueError(f"{DIRECTORY_SECRET} would be empty: give {DIRECTORY_CLIENT} its secret")
    workspace_url = workspace_url or portal_url
    text = path.read_text()
    filled = {
        PORTAL_URL: portal_url.rstrip("/"),
        WORKSPACE_URL: workspace_url.rstrip("/"),
        DIRECTORY_SECRET: directory_secret,
    }
    for placeholder, value in filled.items():
        text = text.replace(placeholder, json.dumps(value)[1:-1])  # inside a JSON string
    if unfilled := sorted(set(PLACEHOLDER.findall(text))):
        raise ValueError(f"{path} has placeholders nothing fills: {', '.join(unfilled)}")
    wanted: RealmJson = json.loads(text)
    wanted["realm"] = realm
    return wanted


def sync(admin: KeycloakAdmin, wanted: RealmJson) -> list[str]:
    """Create the realm `wanted` describes, or update the existing one; what was done."""
    name = wanted["realm"]
    if not exists(admin, name):
        admin.create_realm(wanted)
        return [f"created realm {name}"]
    admin.update_realm(name, {key: value for key, value in wanted.items() if key not in COLLECTIONS})
    admin.change_current_realm(name)
    done = [f"updated realm {name}'s settings"]
    done += sync_roles(admin, wanted.get("roles", {}).get("realm", []))
    done += sync_user_profile(admin, wanted.get("components", {}))
    for client in wanted.get("clients", []):
        done += sync_client(admin, client)
    done += sync_service_accounts(admin, wanted.get("users", []))
    return done


def exists(admin: KeycloakAdmin, name: str) -> bool:
    try:
        admin.get_realm(name)
    except KeycloakGetError as error:
        if error.response_code == 404:
            return False
        raise
    return True


def sync_roles(admin: KeycloakAdmin, roles: list[RealmJson]) -> list[str]:
    """Create the realm roles that are missing, update the others' descriptions."""
    existing = {role["name"] for role in admin.get_realm_roles()}
    for role in roles:
        if role["name"] in existing:
            admin.update_realm_role(role["name"], role)
        else:
            admin.create_realm_role(role)
    return [f"realm roles: {', '.join(role['name'] for role in roles)}"]


def sync_user_profile(admin: KeycloakAdmin, components: RealmJson) -> list[str]:
    """The declarative user profile (who may edit which attribute: the services trust `email`)."""
    for component in components.get(PROFILE_PROVIDER, []):
        for config in component.get("config", {}).get("kc.user.profile.config", []):
            admin.update_realm_users_profile(json.loads(config))
            return ["user profile"]
    return []


def sync_client(admin: KeycloakAdmin, client: RealmJson) -> list[str]:
    """Create the client, or update its settings, mappers and client scopes to the file's."""
    internal_id = admin.get_client_id(client["clientId"])
    if internal_id is None:
        admin.create_client(client)
        return [f"created client {client['clientId']}"]
    admin.update_client(internal_id, client)
    sync_mappers(admin, internal_id, client.get("protocolMappers", []))
    for kind in ("default", "optional"):
        sync_client_scopes(admin, internal_id, kind, client.get(f"{kind}ClientScopes"))
    return [f"updated client {client['clientId']}"]


def sync_service_accounts(admin: KeycloakAdmin, users: list[RealmJson]) -> list[str]:
    """Give each client's service account the file's realm and client roles it lacks (the directory
    client's `view-users` and `view-realm` of `realm-management`). None is taken away, and people (the
    users that are no service account) are never touched."""
    done = []
    for user in users:
        client_id = user.get("serviceAccountClientId")
        internal_id = admin.get_client_id(client_id) if client_id else None
        if internal_id is None:
            continue
        account = admin.get_client_service_account_user(internal_id)["id"]
        held = {role["name"] for role in admin.get_realm_roles_of_user(account)}
        added = [name for name in user.get("realmRoles", []) if name not in held]
        if added:
            admin.assign_realm_roles(account, [admin.get_realm_role(name) for name in added])
        for owner, names in user.get("clientRoles", {}).items():
            owner_id = admin.get_client_id(owner)
            if owner_id is None:
                raise ValueError(f"the service account of {client_id} is given roles of {owner}: no such client")
            held = {role["name"] for role in admin.get_client_roles_of_user(account, owner_id)}
            missing = [name for name in names if name not in held]
            if missing:
                admin.assign_client_role(account, owner_id, [admin.get_client_role(owner_id, name) for name in missing])
                added += [f"{owner}/{name}" for name in missing]
        if added:
            done.append(f"service account of {client_id}: added {', '.join(added)}")
    return done


def sync_mappers(admin: KeycloakAdmin, internal_id: str, mappers: list[RealmJson]) -> None:
    """Each of the file's protocol mappers, by name, with the file's configuration."""
    existing = {mapper["name"]: mapper for mapper in admin.get_mappers_from_client(internal_id)}
    for mapper in mappers:
        current = existing.get(mapper["name"])
        if current is None:
            admin.add_mapper_to_client(internal_id, mapper)
        elif {k: current.get(k) for k in mapper} != mapper:
            admin.update_client_mapper(internal_id, current["id"], {**mapper, "id": current["id"]})


def sync_client_scopes(admin: KeycloakAdmin, internal_id: str, kind: str, wanted: list[str] | None) -> None:
    """Exactly the file's default (or optional) client scopes; left alone when the file names none."""
    if wanted is None:
        return
    scope_ids = {scope["name"]: scope["id"] for scope in admin.get_client_scopes()}
    current = {scope["name"]: scope["id"] for scope in getattr(admin, f"get_client_{kind}_client_scopes")(internal_id)}
    for name in set(current) - set(wanted):
        getattr(admin, f"delete_client_{kind}_client_scope")(internal_id, current[name])
    for name in [name for name in wanted if name not in current]:
        payload = {"realm": admin.connection.realm_name, "client": internal_id, "clientScopeId": scope_ids[name]}
        getattr(admin, f"add_client_{kind}_client_scope")(internal_id, scope_ids[name], payload)


def main(argv: list[str] | None = None) -> None:
    """Create or update the realm in the Keycloak at --keycloak-url."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keycloak-url", required=True)
    parser.add_argument("--admin-realm", default="master")
    parser.add_argument("--realm", default="rtw")
    parser.add_argument(
        "--portal-url", required=True, help="where people reach the portal, e.g. https://rtw.example.org"
    )
    parser.add_argument(
        "--workspace-url", help="where therapists reach their workspace (/clinic), if not at --portal-url"
    )
    parser.add_argument("--file", type=Path, required=True)
    args = parser.parse_args(argv)
    secret = os.environ.get("RTW_INTAKE_DIRECTORY_SECRET", "")
    if not secret:
        parser.error(f"RTW_INTAKE_DIRECTORY_SECRET is not set: {DIRECTORY_CLIENT}'s secret, the one intake is given")
    named = os.environ.get("RTW_INTAKE_DIRECTORY_CLIENT_ID")
    if named and named != DIRECTORY_CLIENT:
        parser.error(f"RTW_INTAKE_DIRECTORY_CLIENT_ID is {named!r}: intake would sign in as a client the file lacks")
    wanted = load(
        args.file,
        realm=args.realm,
        portal_url=args.portal_url,
        directory_secret=secret,
        workspace_url=args.workspace_url,
    )
    admin = KeycloakAdmin(
        server_url=args.keycloak_url,
        username=os.environ["KEYCLOAK_ADMIN_USERNAME"],
        password=os.environ["KEYCLOAK_ADMIN_PASSWORD"],
        realm_name=args.admin_realm,
        user_realm_name=args.admin_realm,
    )
    for line in sync(admin, wanted):
        print(f"keycloak: {line}")


if __name__ == "__main__":
    main()
