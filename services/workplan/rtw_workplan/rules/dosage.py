"""Adherence and dosage: what was delivered against what the phases plan (Hardison & Roll 2017: the
number of sessions, work simulation and hours per session predict success). Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from .facts import PhaseFacts, SessionFacts


@dataclass(frozen=True)
class WeekAdherence:
    week: int
    starts_on: date
    planned_sessions: int
    planned_minutes: int
    delivered_sessions: int
    delivered_minutes: int
    ended: bool


@dataclass(frozen=True)
class Adherence:
    """Per week, and the shares over the weeks that have ended (null until one has)."""

    weeks: tuple[WeekAdherence, ...]
    sessions: float | None
    minutes: float | None


@dataclass(frozen=True)
class Dosage:
    sessions_attended: int
    sessions_cancelled: int
    sessions_no_show: int
    hours: float
    work_simulation_share: float | None
    mean_minutes: float | None


def week_of(start: date, day: date) -> int:
    """The treatment week `day` falls in (week 1 begins on `start`; days before it are week 0 or less)."""
    return (day - start).days // 7 + 1


def adherence(phases: Sequence[PhaseFacts], sessions: Sequence[SessionFacts], start: date, as_of: date) -> Adherence:
    """Planned vs delivered sessions and minutes per week of the phases.

    The shares count only weeks that have ended by `as_of` (a week under way is not yet missed), and a
    week's delivery counts up to what it planned, so extra sessions one week do not hide a missed one."""
    last_week = max((p.end_week for p in phases), default=0)
    attended = [s for s in sessions if s.attended]
    weeks = []
    for week in range(1, last_week + 1):
        planned = [p for p in phases if p.start_week <= week <= p.end_week]
        delivered = [s for s in attended if week_of(start, s.day) == week]
        starts_on = start + timedelta(days=7 * (week - 1))
        weeks.append(
            WeekAdherence(
                week=week,
                starts_on=starts_on,
                planned_sessions=sum(p.sessions_per_week for p in planned),
                planned_minutes=sum(p.sessions_per_week * p.minutes_per_session for p in planned),
                delivered_sessions=len(delivered),
                delivered_minutes=sum(s.minutes for s in delivered),
                ended=starts_on + timedelta(days=7) <= as_of,
            )
        )
    ended = [w for w in weeks if w.ended]
    return Adherence(
        weeks=tuple(weeks),
        sessions=_share([(w.delivered_sessions, w.planned_sessions) for w in ended]),
        minutes=_share([(w.delivered_minutes, w.planned_minutes) for w in ended]),
    )


def _share(pairs: list[tuple[int, int]]) -> float | None:
    planned = sum(p for _, p in pairs)
    if planned == 0:
        return None
    return round(sum(min(d, p) for d, p in pairs) / planned, 4)


def dosage(sessions: Sequence[SessionFacts]) -> Dosage:
    """Sessions attended (and missed), hours delivered, the share with work simulation."""
    attended = [s for s in sessions if s.attended]
    minutes = sum(s.minutes for s in attended)
    return Dosage(
        sessions_attended=len(attended),
        sessions_cancelled=sum(1 for s in sessions if s.attendance == "cancelled"),
        sessions_no_show=sum(1 for s in sessions if s.attendance == "no_show"),
        hours=round(minutes / 60, 2),
        work_simulation_share=round(sum(s.work_simulation for s in attended) / len(attended), 4) if attended else None,
        mean_minutes=round(minutes / len(attended), 1) if attended else None,
    )
