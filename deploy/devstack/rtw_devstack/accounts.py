"""Throw-away accounts in the running realm, for tests that need someone the demo realm does not
have (a user whose email address Keycloak never verified, a user without any RTW role, a machine
client with admin-API roles), and throw-away copies of a realm file, for tests that need what this
checkout's file holds and the running realm (imported from an older file) may lack. Each is deleted
when its `with` block ends, so the running realm is left as it was."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from keycloak import KeycloakAdmin, KeycloakOpenID

from .keycloak import ADMIN_PASSWORD, ADMIN_USER

PASSWORD = "throw-away-demo"  # a test account's, deleted after the test


@dataclass(frozen=True)
class Account:
    username: str
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@dataclass(frozen=True)
class Client:
    client_id: str
    secret: str


@contextmanager
def temporary_account(
    keycloak_url: str,
    realm: str,
    *,
    org_id: str,
    email: str,
    email_verified: bool,
    roles: tuple[str, ...] = (),
) -> Iterator[Account]:
    """A user of `realm` with these attributes and realm roles, signed in through `rtw-cli`."""
    admin = KeycloakAdmin(
        server_url=keycloak_url,
        username=ADMIN_USER,
        password=ADMIN_PASSWORD,
        realm_name=realm,
        user_realm_name="master",
    )
    username = f"tmp-{uuid.uuid4().hex[:10]}"
    user_id = admin.create_user(
        {
            "username": username,
            "enabled": True,
            "email": email,
            "emailVerified": email_verified,
            "firstName": "Temporary",
            "lastName": "Account",
            "attributes": {"org_id": [org_id]},
            "credentials": [{"type": "password", "value": PASSWORD, "temporary": False}],
        }
    )
    try:
        if roles:
            admin.assign_realm_roles(user_id, [admin.get_realm_role(role) for role in roles])
        cli = KeycloakOpenID(server_url=keycloak_url, realm_name=realm, client_id="rtw-cli")
        yield Account(username=username, token=cli.token(username, PASSWORD)["access_token"])
    finally:
        admin.delete_user(user_id)


@contextmanager
def temporary_client(keycloak_url: str, realm: str, *, realm_management_roles: tuple[str, ...]) -> Iterator[Client]:
    """A confidential client of `realm` whose service account holds these roles of `realm-management`:
    what a service given a client id and secret acts as. Deleted when the block ends."""
    admin = KeycloakAdmin(
        server_url=keycloak_url,
        username=ADMIN_USER,
        password=ADMIN_PASSWORD,
        realm_name=realm,
        user_realm_name="master",
    )
    client_id, secret = f"tmp-client-{uuid.uuid4().hex[:10]}", uuid.uuid4().hex
    internal_id = admin.create_client(
        {
            "clientId": client_id,
            "enabled": True,
            "publicClient": False,
            "serviceAccountsEnabled": True,
            "standardFlowEnabled": False,
            "directAccessGrantsEnabled": False,
            "clientAuthenticatorType": "client-secret",
            "secret": secret,
        }
    )
    try:
        account = admin.get_client_service_account_user(internal_id)
        management = admin.get_client_id("realm-management")
        if management is not None and realm_management_roles:
            roles = [admin.get_client_role(management, role) for role in realm_management_roles]
            admin.assign_client_role(account["id"], management, roles)
        yield Client(client_id=client_id, secret=secret)
    finally:
        admin.delete_client(internal_id)


@contextmanager
def realm_copy(keycloak_url: str, realm_file: Path, *, prefix: str = "rtw-copy") -> Iterator[str]:
    """`realm_file` imported under a throw-away name, which is yielded; the realm is deleted after. Its
    users keep the realm's default roles (account access among them), which go by the realm's name."""
    name = f"{prefix}-{uuid.uuid4().hex[:8]}"
    admin = KeycloakAdmin(server_url=keycloak_url, username=ADMIN_USER, password=ADMIN_PASSWORD, realm_name="master")
    text = realm_file.read_text().replace('"default-roles-rtw"', f'"default-roles-{name}"')
    admin.create_realm({**json.loads(text), "realm": name})
    try:
        yield name
    finally:
        admin.delete_realm(name)
