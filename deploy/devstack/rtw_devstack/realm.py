"""The production realm, derived from the development realm so the two never drift apart.

`python -m rtw_devstack.realm > deploy/keycloak/realm-rtw-production.json` regenerates it (a test
checks the committed file is current). What production changes, and why:
- no users but the service account of `rtw-intake-directory` (intake reads the organisations as
  it): no demo logins, no shared passwords (people are created or federated by the operator;
  machine clients are added per insurer with their own secret);
- no `rtw-cli` client: the password grant is for development scripts and tests only;
- no `northwind-api` client: its secret is public in this repository;
- `sslRequired: external`: Keycloak refuses plain HTTP from anything but private addresses;
- refresh tokens rotate and are single use (`revokeRefreshToken`, `refreshTokenMaxReuse: 0`);
- no `offline_access` scope for the browser clients (the employer portal's `rtw-portal`, the therapist's
  workspace's `rtw-clinic`): a browser session must not yield a token that outlives it;
- the portal's addresses come from `${RTW_PORTAL_URL}` and the workspace's from `${RTW_WORKSPACE_URL}`
  (e.g. both https://rtw.example.org: the portal answers under /portal, the workspace under /clinic),
  which Keycloak resolves from its environment when it imports the file at start-up (and
  `realm_sync.load` fills in for the Helm chart's realm import); like development's, they are exact
  (the callback and the signed-out page), never a wildcard;
- `rtw-intake-directory`'s secret is `${RTW_INTAKE_DIRECTORY_SECRET}`, resolved the same way (or by
  the chart's realm import, `rtw_devstack.realm_sync`), never the development secret. Unresolved,
  Keycloak would keep the placeholder's text as the secret: set the variable wherever the file is
  imported.

Both realms keep from the development file that users may not edit their own email address (the
user profile lets administrators only): the services trust the token's `email`.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path
from typing import Any

DEVELOPMENT_REALM = Path(__file__).resolve().parents[2] / "keycloak" / "realm-rtw.json"
PRODUCTION_REALM = DEVELOPMENT_REALM.with_name("realm-rtw-production.json")

DEVELOPMENT_ONLY_CLIENTS = {"rtw-cli", "northwind-api"}
PORTAL_URL = "${RTW_PORTAL_URL}"
WORKSPACE_URL = "${RTW_WORKSPACE_URL}"
# Each browser client: the address it is reached at, and the path its pages live under.
BROWSER_CLIENTS = {"rtw-portal": (PORTAL_URL, "/portal"), "rtw-clinic": (WORKSPACE_URL, "/clinic")}
# Intake's confidential client for the directory of organisations: its secret in production.
DIRECTORY_CLIENT = "rtw-intake-directory"
DIRECTORY_SECRET = "${RTW_INTAKE_DIRECTORY_SECRET}"
# Keycloak's realm export: JSON.
RealmJson = dict[str, Any]
BROWSER_SCOPES = ["web-origins", "acr", "profile", "roles", "email", "basic"]


def production_realm(development: RealmJson) -> RealmJson:
    """The development realm with every development convenience taken out (see the module doc)."""
    realm = copy.deepcopy(development)
    realm["displayName"] = "RTW"
    realm["sslRequired"] = "external"
    realm["revokeRefreshToken"] = True
    realm["refreshTokenMaxReuse"] = 0
    realm["clients"] = [
        _production_client(c) for c in realm["clients"] if c["clientId"] not in DEVELOPMENT_ONLY_CLIENTS
    ]
    kept = {client["clientId"] for client in realm["clients"]}
    realm["users"] = [user for user in realm["users"] if user.get("serviceAccountClientId") in kept]
    return realm


def _production_client(client: RealmJson) -> RealmJson:
    if client["clientId"] == DIRECTORY_CLIENT:
        return {**client, "secret": DIRECTORY_SECRET}
    if client["clientId"] not in BROWSER_CLIENTS:
        return client
    url, path = BROWSER_CLIENTS[client["clientId"]]
    client = {**client, "rootUrl": url, "redirectUris": [f"{url}{path}/callback"]}
    client["webOrigins"] = [url]
    after_logout = {"post.logout.redirect.uris": f"{url}{path}/signed-out"}
    client["attributes"] = {**client.get("attributes", {}), **after_logout}
    client["defaultClientScopes"] = BROWSER_SCOPES
    client["optionalClientScopes"] = []  # in particular no offline_access
    return client


def render() -> str:
    return json.dumps(production_realm(json.loads(DEVELOPMENT_REALM.read_text())), indent=2) + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
