"""Every query on the audit log. Works on a Session or a Connection alike (both `.execute`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, cast

from sqlalchemy import and_, or_, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ..db import Statement, pipelined
from . import chain
from .tables import audit_log

# Any fixed key will do: it only has to be the same in every process appending to this database.
CHAIN_LOCK_KEY = 0x52_54_57_41_55_44  # "RTWAUD"
# What the queries run on: a request's Session or a Connection (the writer's, the chain check's).
Executor = Session | Connection

# Taken before the first row of a transaction; held until it ends: appends take turns, so two never
# link to the same predecessor, and ids (drawn under it) follow the chain.
LOCK_CHAIN: Statement = (f"SELECT pg_advisory_xact_lock({CHAIN_LOCK_KEY})", {})
# One row linked after the newest, in one statement: PostgreSQL draws its id and computes its hash from
# the canonical JSON's two halves around that id (chain.around_id), exactly as chain.link_hash would.
# A statement of its own after LOCK_CHAIN, so its snapshot sees every row committed before the lock.
APPEND = """
INSERT INTO audit_log (id, at, subject, username, role, org_id, action, method, path, resource_type,
    resource_id, outcome, status_code, case_ids, correlation_id, prev_hash, hash)
SELECT n.id, %(at)s, %(subject)s, %(username)s, %(role)s, %(org_id)s, %(action)s, %(method)s, %(path)s,
    %(resource_type)s, %(resource_id)s, %(outcome)s, %(status_code)s, %(case_ids)s, %(correlation_id)s, p.hash,
    encode(sha256(convert_to(p.hash || %(before_id)s::text || n.id::text || %(after_id)s::text, 'UTF8')), 'hex')
FROM (SELECT nextval(pg_get_serial_sequence('audit_log', 'id')) AS id) AS n,
     (SELECT coalesce((SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1), %(genesis)s::text) AS hash) AS p
RETURNING id
"""


def append_statements(contents: Sequence[Mapping[str, Any]]) -> list[Statement]:
    """The statements that link `contents` (every chain field but id) after the newest row, in order,
    in the transaction they run in: the chain's lock, then one INSERT per row."""
    appended: list[Statement] = [LOCK_CHAIN]
    for content in contents:
        before_id, after_id = chain.around_id(content)
        params = {**content, "before_id": before_id, "after_id": after_id, "genesis": chain.GENESIS_HASH}
        appended.append((APPEND, params))
    return appended


def append_batch(conn: Executor, contents: Sequence[Mapping[str, Any]], *, commit: bool = False) -> list[int]:
    """Link `contents` after the newest row, in one round trip; their ids. The caller commits, unless
    `commit` (then in the same round trip).

    The lock is taken once per transaction, not per row: under load one lock and one commit carry many
    rows (see docs/audit.md for the figures)."""
    results = pipelined(conn, append_statements(contents), commit=commit)
    return [row_id for rows in results[1:] for (row_id,) in rows]


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
