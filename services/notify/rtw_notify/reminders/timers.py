"""What notify's durable timers do when they fire (rtw_shared.timers calls them inside the
transaction that marks the timer fired, so each reminder is written once). A reminder about a
case that has ended since, or that notify no longer knows, fires without telling anyone."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime

from rtw_shared.access import Part
from rtw_shared.timers import Timer, TimerHandler
from rtw_shared.uow import UnitOfWork

from ..cases import repository as cases
from ..cases.models import CaseCopy
from ..emails.dates import day
from ..links import plan_link, request_link
from ..notifications.tell import Message, Trigger, tell_org, tell_therapist
from .schedule import DUE_SOON, PLAN_REVIEW, RESTRICTION_REVIEW

ENDED = frozenset({"withdrawn", "closed"})


def _open_case(uow: UnitOfWork, timer: Timer) -> CaseCopy | None:
    case = cases.get(uow.session, uuid.UUID(timer.payload["case_id"]))
    return case if case is not None and case.status not in ENDED else None


def due_soon(uow: UnitOfWork, timer: Timer, now: datetime) -> None:
    """Remind the employer organisation of a request due in two business days."""
    case = _open_case(uow, timer)
    if case is None:
        return
    p = timer.payload
    accommodation_id, due = uuid.UUID(p["accommodation_id"]), day(p["due_date"])
    message = Message(
        kind=DUE_SOON,
        title=f"Reminder: accommodation request for case {case.reference} is due {due}",
        body=f"The request is still unanswered; it expires after {due}.",
        case_id=case.case_id,
        accommodation_id=accommodation_id,
        part=Part.ACCOMMODATION,
        email={"due_date": due},
        links={"employer": request_link(accommodation_id)},
    )
    trigger = Trigger.timer(timer.key, timer.kind)
    tell_org(uow, trigger, message, org_id=p["employer_org_id"], role="employer", case=case)


def plan_review_due(uow: UnitOfWork, timer: Timer, now: datetime) -> None:
    """Tell the therapist a plan is due for its review today."""
    case = _open_case(uow, timer)
    if case is None:
        return
    p = timer.payload
    review = day(p["review_date"])
    message = Message(
        kind=PLAN_REVIEW,
        title=f"Plan review due today for case {case.reference}",
        body=f"Version {p['plan_version']} of the plan is due for review on {review}.",
        case_id=case.case_id,
        part=Part.PROGRESS,
        email={"case_id": str(case.case_id), "review_date": review, "plan_version": p["plan_version"]},
        links={"therapist": plan_link(uuid.UUID(p["plan_id"]))},
    )
    tell_therapist(uow, Trigger.timer(timer.key, timer.kind), message, case=case)


def restriction_review_due(uow: UnitOfWork, timer: Timer, now: datetime) -> None:
    """Tell the therapist restrictions are due for review in two business days."""
    case = _open_case(uow, timer)
    if case is None:
        return
    p = timer.payload
    demands, review = ", ".join(d.replace("_", " ") for d in p["demands"]), day(p["review_date"])
    message = Message(
        kind=RESTRICTION_REVIEW,
        title=f"Restriction review due {review} for case {case.reference}",
        body=f"Restrictions due for review on {review}: {demands}.",
        case_id=case.case_id,
        part=Part.RESTRICTIONS,
        email={
            "case_id": str(case.case_id),
            "review_date": review,
            "plan_version": p["plan_version"],
            "demands": p["demands"],
        },
        links={"therapist": plan_link(uuid.UUID(p["plan_id"]))},
    )
    tell_therapist(uow, Trigger.timer(timer.key, timer.kind), message, case=case)


HANDLERS: Mapping[str, TimerHandler] = {
    DUE_SOON: due_soon,
    PLAN_REVIEW: plan_review_due,
    RESTRICTION_REVIEW: restriction_review_due,
}
