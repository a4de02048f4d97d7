"""Workplan's durable timers (rtw_shared.timers): a graduated schedule's week begins. They run in the
worker's TimerLoop on the process clock, inside the Unit of Work that marks them fired."""

from __future__ import annotations

from datetime import datetime

from rtw_shared.timers import Timer, TimerHandler
from rtw_shared.uow import UnitOfWork

from . import publication, repository


def on_schedule_week(uow: UnitOfWork, timer: Timer, now: datetime) -> None:
    """Announce that week n of the plan's schedule began — unless the plan is no longer in force
    (its timers are cancelled then; this guards a timer claimed just before)."""
    plan = repository.get(uow.session, timer.subject_id) if timer.subject_id else None
    if plan is None or plan.status != "published":
        return
    event = publication.week_started_event(plan, int(timer.payload["week"]))
    if event is not None:
        uow.emit(event)


TIMER_HANDLERS: dict[str, TimerHandler] = {repository.WEEK_TIMER: on_schedule_week}
