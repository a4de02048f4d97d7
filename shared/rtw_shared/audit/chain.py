"""The hash chain that makes the audit log tamper-evident — pure functions, no I/O.

Each row stores `hash = sha256(prev_hash + canonical JSON of its content)` and the previous row's
hash as `prev_hash` (64 zeros for the first row). Changing a row's content breaks its own hash;
removing, inserting or reordering rows breaks the next row's link. Rows are checked in id order."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64
# What a row's hash covers: everything but the hashes themselves.
CONTENT_FIELDS = (
    "id",
    "at",
    "subject",
    "username",
    "role",
    "org_id",
    "action",
    "method",
    "path",
    "resource_type",
    "resource_id",
    "outcome",
    "status_code",
)
# Added later: hashed when present, so rows written before they existed keep their hashes.
OPTIONAL_FIELDS = ("case_ids", "correlation_id")


@dataclass(frozen=True)
class Break:
    """Where the chain first breaks, and why."""

    row_id: int
    reason: str


def content_of(row: Mapping[str, Any]) -> dict[str, Any]:
    """The hashed part of a row, with the timestamp as ISO 8601 in UTC."""
    content = {name: row[name] for name in CONTENT_FIELDS}
    content.update({name: row[name] for name in OPTIONAL_FIELDS if row.get(name) is not None})
    content["at"] = _utc_iso(content["at"])
    return content


def canonical(content: Mapping[str, Any]) -> str:
    """One spelling per content: sorted keys, no spaces, anything non-JSON as str."""
    return json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)


def around_id(row: Mapping[str, Any]) -> tuple[str, str]:
    """The canonical JSON of a row's content (all but its id and hashes) as the two halves that surround
    its id: `before + str(id) + after == canonical(content_of(row with that id))`. Lets PostgreSQL hash a
    row whose id it draws itself (audit.repository)."""
    hashed = content_of({**row, "id": 0})
    before = {key: value for key, value in hashed.items() if key < "id"}
    after = {key: value for key, value in hashed.items() if key > "id"}
    opening = canonical(before)[:-1] + ("," if before else "") + '"id":'
    closing = "," + canonical(after)[1:] if after else "}"
    return opening, closing


def link_hash(prev_hash: str, row: Mapping[str, Any]) -> str:
    """The hash a row must carry, given the hash of the row before it."""
    return hashlib.sha256((prev_hash + canonical(content_of(row))).encode()).hexdigest()


def find_break(rows: Iterable[Mapping[str, Any]]) -> tuple[Break | None, int]:
    """The first broken row (None when intact) and how many rows there are in all."""
    expected_prev, count, broken = GENESIS_HASH, 0, None
    for row in rows:
        count += 1
        if broken is None:
            broken = _check(row, expected_prev)
            expected_prev = row["hash"]
    return broken, count


def verify(rows: Iterable[Mapping[str, Any]]) -> int | None:
    """The id of the first row whose hash or link is broken, or None when the chain is intact."""
    broken, _ = find_break(rows)
    return None if broken is None else broken.row_id


def _check(row: Mapping[str, Any], expected_prev: str) -> Break | None:
    if row["prev_hash"] != expected_prev:
        return Break(
            row["id"],
            "prev_hash does not match the previous row's hash (a row before it was removed, inserted or altered)",
        )
    if row["hash"] != link_hash(row["prev_hash"], row):
        return Break(row["id"], "hash does not match the row's content (the row was altered)")
    return None


def _utc_iso(value: datetime | str) -> str:
    if isinstance(value, str):
        return value
    if value.tzinfo is None:  # stored as timestamptz, so a naive value can only mean UTC
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat()
