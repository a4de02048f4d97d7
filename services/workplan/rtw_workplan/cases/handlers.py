"""From intake's case events: keep workplan's copy of the case (newest snapshot wins), open the
case's first draft plan (docs/domain/plans.md: "a draft plan exists for every case shortly after the case is
created"), and cancel its open plans once the case is withdrawn or closed."""

from __future__ import annotations

from rtw_shared.case_copy import apply_case_events
from rtw_shared.events import (
    CaseConsentChangedV1,
    CaseCreatedV1,
    CaseEvent,
    CaseSharedWithEmployerV1,
    CaseStatusChangedV1,
    Envelope,
)
from rtw_shared.messaging.wiring import handles
from rtw_shared.uow import UnitOfWork

from ..plans import service as plans
from . import repository
from .models import CaseCopy


@handles(CaseCreatedV1, CaseSharedWithEmployerV1, CaseStatusChangedV1, CaseConsentChangedV1, batch=True)
def on_case_events(uow: UnitOfWork, envelopes: list[Envelope]) -> None:
    """Apply the events' case snapshots, then bring each case's plans in line with its copy. A whole
    run of events takes a few statements, not a few per event. The consumer commits (with the inbox rows)."""
    events: list[CaseEvent] = [envelope.data for envelope in envelopes]
    apply_case_events(uow.session, CaseCopy, events)
    repository.keep_jobs(
        uow.session,
        {e.case_id: e.job.model_dump(mode="json") for e in events if isinstance(e, CaseCreatedV1) and e.job},
    )
    # Act on the copies, not on the events: a late, older event leaves a copy (and its plans) as the
    # newest snapshot says, and applying any event twice changes nothing the second time. So the
    # copies' final state is all that matters, and one pass over them equals one pass per event.
    # (An event without a snapshot, of a case never seen, has no copy: nothing to keep.)
    cases = repository.get_many(uow.session, list(dict.fromkeys(e.case_id for e in events)))
    plans.open_first_drafts(uow=uow, cases=cases)
    for case in cases:
        if case.ended:
            plans.cancel_open_plans(uow=uow, case=case)
