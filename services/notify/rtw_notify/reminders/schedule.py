"""Arming and disarming notify's durable timers (rtw_shared.timers, rows in notify's database,
claimed with SKIP LOCKED and fired in the same transaction as their effect — so once, even across
a worker kill). Called by event handlers, inside the event's transaction: a timer exists exactly
when the event that asked for it was applied.

Keys name a timer for good (a cancelled or fired key is never re-armed), so plan timers carry the
plan version: publishing version 2 cancels version 1's timers and arms its own."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from rtw_shared import timers
from rtw_shared.events import AccommodationRequestedV1, PlanPublishedV1

from . import dates

DUE_SOON = "accommodation_due_soon"
PLAN_REVIEW = "plan_review_due"
RESTRICTION_REVIEW = "restriction_review_due"
PLAN_KINDS = (PLAN_REVIEW, RESTRICTION_REVIEW)


def remind_before_due(session: Session, event: AccommodationRequestedV1) -> None:
    """Remind the employer two business days before the request is due."""
    timers.schedule(
        session,
        key=f"{DUE_SOON}:{event.accommodation_id}",
        kind=DUE_SOON,
        due_at=dates.ahead_of(event.due_date),
        subject_id=event.accommodation_id,
        payload={
            "case_id": str(event.case_id),
            "accommodation_id": str(event.accommodation_id),
            "employer_org_id": event.employer_org_id,
            "due_date": event.due_date.isoformat(),
        },
    )


def request_answered(session: Session, accommodation_id: uuid.UUID) -> None:
    """The request was decided, withdrawn or expired: no reminder about it any more."""
    timers.cancel_for(session, accommodation_id, kinds=(DUE_SOON,))


def remind_reviews(session: Session, event: PlanPublishedV1) -> None:
    """Replace the plan's review timers with this version's: plan review due, restriction reviews ahead."""
    timers.cancel_for(session, event.plan_id, kinds=PLAN_KINDS)
    common = {"case_id": str(event.case_id), "plan_id": str(event.plan_id), "plan_version": event.version}
    if event.next_review_date is not None:
        timers.schedule(
            session,
            key=f"{PLAN_REVIEW}:{event.plan_id}:v{event.version}",
            kind=PLAN_REVIEW,
            due_at=dates.at_reminder_time(event.next_review_date),
            subject_id=event.plan_id,
            payload={**common, "review_date": event.next_review_date.isoformat()},
        )
    for day, demands in dates.reviews_by_date(event.restrictions).items():
        timers.schedule(
            session,
            key=f"{RESTRICTION_REVIEW}:{event.plan_id}:v{event.version}:{day.isoformat()}",
            kind=RESTRICTION_REVIEW,
            due_at=dates.ahead_of(day),
            subject_id=event.plan_id,
            payload={**common, "review_date": day.isoformat(), "demands": demands},
        )


def plan_ended(session: Session, plan_id: uuid.UUID) -> None:
    """The plan was cancelled or completed: its reviews are not due any more."""
    timers.cancel_for(session, plan_id, kinds=PLAN_KINDS)
