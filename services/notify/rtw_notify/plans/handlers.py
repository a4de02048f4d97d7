"""Plans: a published version arms its review reminders (the therapist's); a graduated-schedule
week starting tells the employer what the week looks like; a cancelled plan tells its therapist
and disarms its reminders, as a completed one does silently."""

from __future__ import annotations

from datetime import timedelta
from typing import cast

from rtw_shared.access import Part
from rtw_shared.events import Envelope, PlanCancelledV1, PlanPublishedV1
from rtw_shared.events.catalogue import PlanCompletedV1, PlanScheduleWeekStartedV1
from rtw_shared.messaging.wiring import handles
from rtw_shared.uow import UnitOfWork

from ..emails.dates import day
from ..links import portal_link
from ..notifications.handlers import known_case
from ..notifications.tell import Message, Trigger, tell_org, tell_therapist
from ..reminders import schedule


@handles(PlanPublishedV1)
def on_plan_published(uow: UnitOfWork, envelope: Envelope) -> None:
    """Arm this version's plan-review and restriction-review reminders (replacing the previous version's)."""
    event = cast(PlanPublishedV1, envelope.data)
    known_case(uow, event.case_id)  # a plan of a case not known here waits for it, like every event
    schedule.remind_reviews(uow.session, event)


@handles(PlanScheduleWeekStartedV1)
def on_schedule_week_started(uow: UnitOfWork, envelope: Envelope) -> None:
    """Tell the employer organisation what this week of the graduated schedule looks like."""
    event = cast(PlanScheduleWeekStartedV1, envelope.data)
    case = known_case(uow, event.case_id)
    starts_on, ends_on = event.starts_on, event.starts_on + timedelta(days=6)
    week = {
        "week": event.week,
        "starts_on": day(starts_on),
        "ends_on": day(ends_on),
        "hours_per_day": f"{event.hours_per_day:g}",
        "days_per_week": event.days_per_week,
        "duties": event.duties,
    }
    message = Message(
        kind="schedule_week_started",
        title=f"Week {event.week} of the schedule for case {case.reference} starts {week['starts_on']}",
        body=(
            f"{week['hours_per_day']} hours a day, {event.days_per_week} days a week, {event.duties} duties, "
            f"from {week['starts_on']} to {week['ends_on']}."
        ),
        case_id=event.case_id,
        part=Part.RESTRICTIONS,  # the graduated schedule: only while the worker shares it with the employer
        email={**week, "case_id": str(event.case_id)},
        links={"employer": portal_link()},
    )
    tell_org(uow, Trigger.event(envelope), message, org_id=event.employer_org_id, role="employer", case=case)


@handles(PlanCancelledV1)
def on_plan_cancelled(uow: UnitOfWork, envelope: Envelope) -> None:
    """Tell the case's therapist their plan was cancelled (in-app: they usually caused it themselves)."""
    event = cast(PlanCancelledV1, envelope.data)
    case = known_case(uow, event.case_id)
    schedule.plan_ended(uow.session, event.plan_id)
    message = Message(
        kind="plan_cancelled",
        title=f"Plan for case {case.reference} cancelled",
        body=f"Version {event.version} of the plan for case {case.reference} was cancelled. Reason: {event.reason}",
        case_id=event.case_id,
        part=Part.PROGRESS,
    )
    tell_therapist(uow, Trigger.event(envelope), message, case=case, email=False)


@handles(PlanCompletedV1)
def on_plan_completed(uow: UnitOfWork, envelope: Envelope) -> None:
    """A completed plan has no reviews ahead: disarm its reminders."""
    event = cast(PlanCompletedV1, envelope.data)
    known_case(uow, event.case_id)
    schedule.plan_ended(uow.session, event.plan_id)
