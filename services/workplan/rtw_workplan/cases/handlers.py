"""From intake's case events: keep workplan's copy of the case (newest snapshot wins), open the
case's first draft plan (docs/domain/plans.md: "a draft plan exists for every case shortly after the case is
created"), and cancel its open plans once the case is withdrawn or closed."""

from __future__ import annotations

from rtw_shared.case_copy import apply_case_event
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


@handles(CaseCreatedV1, CaseSharedWithEmployerV1, CaseStatusChangedV1, CaseConsentChangedV1)
def on_case_event(uow: UnitOfWork, envelope: Envelope) -> None:
    """Apply the event's case snapshot, then bring the case's plans in line with the copy.
    The consumer commits (with its inbox row)."""
    event: CaseEvent = envelope.data
    apply_case_event(uow.session, CaseCopy, event)
    if isinstance(event, CaseCreatedV1) and event.job is not None:
        repository.keep_job(uow.session, event.case_id, event.job.model_dump(mode="json"))
    # Act on the copy, not on the event: a late, older event leaves the copy (and the plans) as the
    # newest snapshot says, and applying any event twice changes nothing the second time.
    case = repository.get(uow.session, event.case_id)
    if case is None:  # an event without a snapshot, of a case never seen: nothing to keep
        return
    plans.open_first_draft(uow=uow, case=case)
    if case.ended:
        plans.cancel_open_plans(uow=uow, case=case)
