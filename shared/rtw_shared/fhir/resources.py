"""The parts every FHIR resource of RTW shares: ids, references, `meta` (lastUpdated, profiles),
dates and instants, and the role view's cut of a resource's parts (rtw_shared.role_view: a part the
reader's view does not show is left out; a part nobody mapped to a field is left out too)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from ..role_view import ALWAYS, Field, RoleView

Resource = dict[str, Any]
T = TypeVar("T")
# FHIR's id: letters, digits, '-' and '.', at most 64 (http://hl7.org/fhir/R4/datatypes.html#id).
ID_PATTERN = r"^[A-Za-z0-9\-.]{1,64}$"
_ID = re.compile(ID_PATTERN)


def is_id(value: str) -> bool:
    """Whether `value` is a FHIR id."""
    return bool(_ID.match(value))


def instant(moment: datetime) -> str:
    """A FHIR instant (UTC, with its zone)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def day(value: date | str) -> str:
    """A FHIR date."""
    return value if isinstance(value, str) else value.isoformat()


def reference(resource_type: str, resource_id: object, display: str | None = None) -> dict[str, Any]:
    """A literal, relative reference (`Patient/<case id>`)."""
    found: dict[str, Any] = {"reference": f"{resource_type}/{resource_id}"}
    if display:
        found["display"] = display
    return found


def resource(
    resource_type: str, resource_id: object, last_updated: datetime, *profiles: str, **elements: Any
) -> Resource:
    """A resource with its id and `meta` (lastUpdated, the profiles it claims); `elements` whose value is
    None or empty are left out (FHIR has no empty elements)."""
    meta: dict[str, Any] = {"lastUpdated": instant(last_updated)}
    if profiles:
        meta["profile"] = list(profiles)
    found: Resource = {"resourceType": resource_type, "id": str(resource_id), "meta": meta}
    found.update({name: value for name, value in elements.items() if value not in (None, [], {}, "")})
    return found


def shown(view: RoleView, parts: Iterable[tuple[Field | None, T]]) -> list[T]:
    """The parts `view` shows: each given with the field it reveals (ALWAYS: every reader of the resource)."""
    return [part for field, part in parts if field is ALWAYS or view.shows(field)]


def cut(view: RoleView, found: Resource, field_of: Mapping[str, Field | None]) -> Resource:
    """`found` with only the elements `view` shows: the resource's identity (resourceType, id, meta) always,
    each other element by the field `field_of` maps it to (an element it does not name is dropped)."""
    identity = {"resourceType": ALWAYS, "id": ALWAYS, "meta": ALWAYS}
    return view.cut(found, {**identity, **field_of})
