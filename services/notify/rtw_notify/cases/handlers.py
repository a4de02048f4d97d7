"""Keeps notify's case copies current from intake's events: every intake event carries the case
snapshot, and the newest one wins (rtw_shared.case_copy). A status change also notifies people,
so its handler lives with the notifications and calls `refresh_copy` itself."""

from __future__ import annotations

from typing import cast

from rtw_shared.case_copy import apply_case_events, snapshot_of
from rtw_shared.events import (
    CaseConsentChangedV1,
    CaseCreatedV1,
    CaseEvent,
    CaseRestrictionsChangedV1,
    CaseRtwDateChangedV1,
    CaseSharedWithEmployerV1,
    Envelope,
)
from rtw_shared.messaging.wiring import handles
from rtw_shared.uow import UnitOfWork

from . import repository
from .models import CaseCopy


def refresh_copy(uow: UnitOfWork, event: CaseEvent) -> CaseCopy | None:
    """The copy after applying the event's snapshot (None: no snapshot, and no copy yet)."""
    snapshot = snapshot_of(event)
    if snapshot is None:  # an event written before snapshots existed: it can only confirm the copy
        return repository.get(uow.session, event.case_id)
    return repository.keep_snapshot(uow.session, event.case_id, snapshot)


# Every intake event but the status change (notifications.handlers) and the assessment (clinical, for
# workplan alone: the next event's snapshot says the same of the case): each carries the snapshot.
@handles(
    CaseCreatedV1,
    CaseSharedWithEmployerV1,
    CaseConsentChangedV1,
    CaseRestrictionsChangedV1,
    CaseRtwDateChangedV1,
    batch=True,
)
def on_case_events(uow: UnitOfWork, envelopes: list[Envelope]) -> None:
    """Keep the copies (organisations, therapist, consents, claim number) as the newest snapshots say:
    one statement for a whole run of events. (An event without a snapshot can only confirm a copy.)"""
    apply_case_events(
        uow.session,
        CaseCopy,
        [cast(CaseEvent, envelope.data) for envelope in envelopes],
        extra_of=repository.own_columns,
    )
