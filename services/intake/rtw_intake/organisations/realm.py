"""Reads the organisations from the Keycloak realm people sign in with: each user's `org_id`
attribute, and the realm role they hold directly, give an organisation and its kind (a therapist's
organisation is a clinic). An optional `org_name` attribute names it; otherwise its id, made
readable, does. No person's name, username or email leaves this module."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Annotated, Any

import structlog
from fastapi import Depends, Request
from keycloak import KeycloakAdmin, KeycloakAuthenticationError

from ..settings import IntakeSettings

# The realm role whose holders make their organisation one of this kind.
KIND_OF_ROLE = {"therapist": "clinic", "employer": "employer", "insurer": "insurer"}
ID_ATTRIBUTE, NAME_ATTRIBUTE = "org_id", "org_name"
NAME_MAX_CHARS = 200

log = structlog.get_logger("rtw.intake.organisations")


@dataclass(frozen=True, order=True)
class Entry:
    """One organisation as the realm describes it."""

    kind: str
    id: str
    name: str


def organisations_of(members_by_role: Mapping[str, Iterable[Mapping[str, Any]]]) -> list[Entry]:
    """The organisations the role members belong to (enabled users only), sorted; pure."""
    names: dict[tuple[str, str], set[str]] = {}
    for role, kind in KIND_OF_ROLE.items():
        for user in members_by_role.get(role, ()):
            attributes = user.get("attributes") or {}
            org_id = _first(attributes.get(ID_ATTRIBUTE))
            if not org_id or user.get("enabled") is False:
                continue
            given = _first(attributes.get(NAME_ATTRIBUTE))
            names.setdefault((kind, org_id), set()).update([given] if given else [])
    return sorted(
        Entry(kind, org_id, (min(given) if given else readable(org_id))[:NAME_MAX_CHARS])
        for (kind, org_id), given in names.items()
    )


def readable(org_id: str) -> str:
    """`clinic-north` → `Clinic North`: a name for an organisation the realm gives none."""
    return " ".join(part.capitalize() for part in org_id.split("-") if part) or org_id


def _first(values: object) -> str | None:
    """An attribute's value: Keycloak gives a list of strings (a single string from older versions)."""
    value = values[0] if isinstance(values, list) and values else values
    return value.strip() or None if isinstance(value, str) else None


class RealmDirectory:
    """Reads the realm's organisations through Keycloak's admin API as the confidential client
    `directory_client_id` (`rtw-intake-directory`: its service account holds realm-management's
    view-users and view-realm). In development only, a realm that refuses the client (imported before
    the client existed) is read as the dev stack's bootstrap administrator instead (`directory_username`
    of `directory_user_realm`). Also remembers when it last read, so a miss re-reads at most every
    `directory_recheck_seconds`."""

    def __init__(self, settings: IntakeSettings):
        self.settings = settings
        self._lock = threading.Lock()
        self._last_read: float | None = None

    def read(self) -> list[Entry]:
        """Every organisation of the realm now (raises the client's error when Keycloak cannot answer)."""
        members = self._members()
        with self._lock:
            self._last_read = time.monotonic()
        return organisations_of(members)

    def may_reread(self) -> bool:
        """Whether a miss may read the realm again now (not more often than `directory_recheck_seconds`)."""
        with self._lock:
            last = self._last_read
        return last is None or time.monotonic() - last >= self.settings.directory_recheck_seconds

    def _members(self) -> dict[str, list[dict[str, Any]]]:
        client, administrator = self._client(), self._administrator()
        if client is not None:
            try:
                return _role_members(client)
            except KeycloakAuthenticationError:
                if administrator is None:
                    raise
                log.warning(
                    "the realm refused the directory client: read as the development administrator "
                    "(a Keycloak that imported the realm before the client existed: restart it to re-import)",
                    client_id=self.settings.directory_client_id,
                )
        if administrator is None:
            raise ValueError("no directory client (directory_client_id, directory_client_secret) to read the realm as")
        return _role_members(administrator)

    def _common(self) -> dict[str, Any]:
        s = self.settings
        return {"server_url": s.keycloak_url, "realm_name": s.keycloak_realm, "timeout": 10}

    def _client(self) -> KeycloakAdmin | None:
        s = self.settings
        if not (s.directory_client_id and s.directory_client_secret):
            return None
        secret = s.directory_client_secret
        return KeycloakAdmin(**self._common(), client_id=s.directory_client_id, client_secret_key=secret)

    def _administrator(self) -> KeycloakAdmin | None:
        """The bootstrap administrator: development only."""
        s = self.settings
        if s.environment != "development" or not (s.directory_username and s.directory_password):
            return None
        return KeycloakAdmin(
            **self._common(),
            username=s.directory_username,
            password=s.directory_password,
            user_realm_name=s.directory_user_realm,
        )


def _role_members(admin: KeycloakAdmin) -> dict[str, list[dict[str, Any]]]:
    """Each kind-giving realm role's members, with their attributes."""
    return {role: admin.get_realm_role_members(role, {"briefRepresentation": False}) for role in KIND_OF_ROLE}


def realm_directory(request: Request) -> RealmDirectory:
    """The API's reader of the realm (made when the app starts: rtw_intake.app)."""
    directory: RealmDirectory = request.app.state.directory
    return directory


DirectoryDep = Annotated[RealmDirectory, Depends(realm_directory)]
