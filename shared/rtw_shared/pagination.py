"""Keyset pagination cursors: opaque to clients, a (timestamp, id) pair to us. Lists answer
`{"items": [...], "next_cursor": null | "…"}` (docs/api.md)."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import TypeVar

from .errors import UnprocessableError

RowT = TypeVar("RowT")


def encode_cursor(stamp: datetime, row_id: uuid.UUID) -> str:
    """An opaque cursor for the page after the row (stamp, id)."""
    return base64.urlsafe_b64encode(f"{stamp.isoformat()}|{row_id}".encode()).decode()


def decode_cursor(cursor: str | None) -> tuple[datetime, uuid.UUID] | None:
    """The (stamp, id) a cursor points after; 422 for anything this API did not hand out."""
    if not cursor:
        return None
    try:
        stamp, row_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        moment = datetime.fromisoformat(stamp)
        if moment.tzinfo is None:
            raise ValueError("a cursor's time carries its offset")
        return moment, uuid.UUID(row_id)
    except (ValueError, UnicodeDecodeError) as error:
        raise UnprocessableError("cursor: not a cursor this API returned", field="cursor") from error


def page(
    rows: list[RowT], limit: int, key: Callable[[RowT], tuple[datetime, uuid.UUID]]
) -> tuple[list[RowT], str | None]:
    """Cut `rows` (fetched with `limit + 1`) to one page; the cursor points after its last row.
    `key(row)` gives the row's (stamp, id) as the query orders them."""
    if len(rows) <= limit:
        return rows, None
    return rows[:limit], encode_cursor(*key(rows[limit - 1]))


MAX_ROW_ID = 2**63 - 1  # PostgreSQL bigint: a larger number must never reach a query


def encode_id_cursor(row_id: int, kind: str) -> str:
    """An opaque cursor for the page after row `row_id` of an id-ordered list named `kind`."""
    return base64.urlsafe_b64encode(f"{kind}:{row_id}".encode()).decode()


def decode_id_cursor(cursor: str | None, kind: str) -> int | None:
    """The row id a cursor points after; 422 for anything this API did not hand out (or out of range)."""
    if not cursor:
        return None
    try:
        decoded = base64.urlsafe_b64decode(cursor.encode()).decode()
        prefix, _, number = decoded.partition(":")
        if prefix != kind or not number.isdigit() or not 0 < int(number) <= MAX_ROW_ID:
            raise ValueError(cursor)
        return int(number)
    except (ValueError, UnicodeDecodeError) as error:
        raise UnprocessableError("cursor: not a cursor this API returned", field="cursor") from error
