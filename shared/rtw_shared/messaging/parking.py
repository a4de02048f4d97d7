"""Events that arrive before the case they refer to.

Kafka keeps one case's events in order on one topic, not across topics: `accommodation.decided`
can reach a service before intake's `case.created` does. A handler that needs the case copy and
does not find it raises `CaseNotKnownYet` (before writing anything); the consumer then records
the event as applied for the inbox and parks it here, in the same transaction. When an intake
event for that case is applied, the consumer takes the parked events of the case and applies
them right after it, in the same transaction. Nothing is retried or dead-lettered for ordering."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from ..event_tables import parked_events
from ..events.base import Envelope, decode_record, encode_record


class CaseNotKnownYet(LookupError):  # noqa: N818 — a signal to park, not a failure
    """Raised by a handler whose event refers to a case this service has not heard of yet."""

    def __init__(self, case_id: uuid.UUID):
        super().__init__(f"case {case_id} is not known here yet; the event waits for it")
        self.case_id = case_id


def park(session: Session, consumer: str, envelope: Envelope, *, error: str | None = None) -> None:
    """Keep `envelope` until its case arrives (`error`: why its handler failed when it was last released)."""
    _, value, headers = encode_record(envelope)
    session.execute(
        insert(parked_events).values(
            consumer=consumer,
            event_id=envelope.id,
            case_id=envelope.data.case_id,
            event_type=envelope.type,
            headers=[[k, v.decode()] for k, v in headers],
            payload=value.decode(),
            last_error=error[:2000] if error else None,
        )
    )


def take(session: Session, consumer: str, case_id: uuid.UUID) -> list[Envelope]:
    """Remove and return the events parked for `case_id`, oldest first."""
    rows = sorted(
        session.execute(
            delete(parked_events)
            .where(parked_events.c.consumer == consumer, parked_events.c.case_id == case_id)
            .returning(parked_events.c.headers, parked_events.c.payload, parked_events.c.parked_at)
        ).all(),
        key=lambda row: row.parked_at,
    )
    return [decode_record([(k, v.encode()) for k, v in row.headers], row.payload.encode()) for row in rows]


def cases_waiting(session: Session, consumer: str, case_ids: list[uuid.UUID]) -> set[uuid.UUID]:
    """Which of `case_ids` have events parked for `consumer` (one query for a whole batch)."""
    if not case_ids:
        return set()
    query = select(parked_events.c.case_id).where(
        parked_events.c.consumer == consumer, parked_events.c.case_id.in_(set(case_ids))
    )
    return set(session.execute(query.distinct()).scalars())
