"""Keyset pagination cursors: opaque to clients, a (timestamp, id) pair to us. Lists answer
`{"items": [...], "next_cursor": null | "…"}` (product.md)."""

from __future__ import annotations

import base64
import uuid
from datetime import datetime

from .errors import UnprocessableError


def encode_cursor(stamp: datetime, row_id: uuid.UUID) -> str:
    """An opaque cursor for the page after the row (stamp, id)."""
    return base64.urlsafe_b64encode(f"{stamp.isoformat()}|{row_id}".encode()).decode()


def decode_cursor(cursor: str | None) -> tuple[datetime, uuid.UUID] | None:
    """The (stamp, id) a cursor points after; 422 for anything this API did not hand out."""
    if not cursor:
        return None
    try:
        stamp, row_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        return datetime.fromisoformat(stamp), uuid.UUID(row_id)
    except (ValueError, UnicodeDecodeError) as error:
        raise UnprocessableError("cursor: not a cursor this API returned", field="cursor") from error


def page(rows: list, limit: int, key) -> tuple[list, str | None]:
    """Cut `rows` (fetched with `limit + 1`) to one page; the cursor points after its last row.
    `key(row)` gives the row's (stamp, id) as the query orders them."""
    if len(rows) <= limit:
        return rows, None
    return rows[:limit], encode_cursor(*key(rows[limit - 1]))
