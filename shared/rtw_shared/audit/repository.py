"""Every query on the audit log. Works on a Session or a Connection alike (both `.execute`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import and_, func, insert, or_, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from . import chain
from .tables import audit_log

# Any fixed key will do: it only has to be the same in every process appending to this database.
CHAIN_LOCK_KEY = 0x52_54_57_41_55_44  # "RTWAUD"
# What the queries run on: a request's Session or a Connection (the writer's, the chain check's).
Executor = Session | Connection
NEXT_IDS = text("SELECT nextval(pg_get_serial_sequence('audit_log', 'id')) FROM generate_series(1, :n)")


def append_batch(conn: Executor, contents: Sequence[Mapping[str, Any]]) -> list[int]:
    """Link `contents` (every chain field but id) after the newest row, in order; the caller commits.

    The transaction-scoped advisory lock makes batches take turns, so two never link to the same
    predecessor. It is taken once per batch, not per request: under load one lock and one commit
    carry many rows (see docs/audit.md for the figures)."""
    conn.execute(select(func.pg_advisory_xact_lock(CHAIN_LOCK_KEY)))
    prev_hash = conn.execute(select(audit_log.c.hash).order_by(audit_log.c.id.desc()).limit(1)).scalar()
    ids = [row_id for (row_id,) in conn.execute(NEXT_IDS, {"n": len(contents)})]
    prev_hash = prev_hash or chain.GENESIS_HASH
    rows = []
    for row_id, content in zip(ids, contents, strict=True):
        row = {**content, "id": row_id, "prev_hash": prev_hash}
        row["hash"] = prev_hash = chain.link_hash(row["prev_hash"], row)
        rows.append(row)
    conn.execute(insert(audit_log), rows)
    return ids


def newest_first(
    conn: Executor, *, subject: str | None, case_id: str | None, before_id: int | None, limit: int
) -> list[Mapping[str, Any]]:
    """Up to `limit` rows, newest first, optionally only one subject's and one case's, below an id."""
    query = select(audit_log)
    if subject is not None:
        query = query.where(audit_log.c.subject == subject)
    if case_id is not None:
        query = query.where(
            or_(
                audit_log.c.case_ids.contains([case_id]),
                and_(audit_log.c.resource_type == "case", audit_log.c.resource_id == case_id),
            )
        )
    if before_id is not None:
        query = query.where(audit_log.c.id < before_id)
    rows = list(conn.execute(query.order_by(audit_log.c.id.desc()).limit(limit)).mappings())
    return cast(list[Mapping[str, Any]], rows)  # RowMappings: read by column name


def chain_rows(conn: Executor) -> Iterator[Mapping[str, Any]]:
    """Every row in chain order, streamed in batches (one statement, so one consistent snapshot)."""
    query = select(audit_log).order_by(audit_log.c.id).execution_options(yield_per=1000)
    rows = iter(conn.execute(query).mappings())
    return cast(Iterator[Mapping[str, Any]], rows)  # RowMappings: read by column name
