"""Turns case events into notifications. Texts name the case reference only: no worker identity,
no clinical detail. (Accommodation and plan events have their concepts' handlers modules.)

Every handler of notify needs notify's copy of the case — for the reference in the text, for the
therapist to address, and because the inbox shows a notification only while the reader may see
its case (rtw_shared.access decides on the copy). An event that overtakes its case's intake
events on another topic therefore raises `CaseNotKnownYet` before writing anything: the consumer
parks it and applies it right after the case's next intake event. That includes
`accommodation.requested`, which is addressed by the event alone: applied early it would carry
the case id instead of the reference and still be hidden until the copy arrived."""

from __future__ import annotations

import uuid
from typing import cast

from rtw_shared import access
from rtw_shared.events import CaseStatusChangedV1, Envelope
from rtw_shared.messaging.parking import CaseNotKnownYet
from rtw_shared.messaging.wiring import handles
from rtw_shared.uow import UnitOfWork

from ..cases import repository as cases
from ..cases.handlers import refresh_copy
from ..cases.models import CaseCopy
from .tell import Message, Trigger, tell_org

# Statuses that end a case: everyone still working on it hears of it.
ENDING_STATUSES = frozenset({"withdrawn", "closed"})


def known_case(uow: UnitOfWork, case_id: uuid.UUID) -> CaseCopy:
    """The case copy; `CaseNotKnownYet` (the event is parked) when intake's events have not arrived."""
    case = cases.get(uow.session, case_id)
    if case is None:
        raise CaseNotKnownYet(case_id)
    return case


@handles(CaseStatusChangedV1)
def on_case_status_changed(uow: UnitOfWork, envelope: Envelope) -> None:
    """Keep the copy; when the case ends, tell its employer and (with the worker's consent) its insurer."""
    event = cast(CaseStatusChangedV1, envelope.data)
    case = refresh_copy(uow, event)
    if case is None:
        raise CaseNotKnownYet(event.case_id)
    if event.to_status not in ENDING_STATUSES:
        return
    message = Message(
        kind=f"case_{event.to_status}",
        title=f"Case {case.reference} was {event.to_status}",
        body=f"Case {case.reference} was {event.to_status}; no further action is needed on it.",
        case_id=event.case_id,
    )
    # The copy after the refresh holds the newest consent this service knows of; tell_org asks access
    # whether each organisation may see the case (the insurer only while the worker shares it).
    for role in ("employer", "insurer"):
        tell_org(uow, Trigger.event(envelope), message, org_id=access.party(case, role).org_id, role=role, case=case)
