"""When the worker will be ready, from the trend of capacity towards each job demand — not from the
schedule's length — and the projected return-to-work date that follows. Pure.

The fit: ordinary least squares of observation (kg or minutes) on day, per demand, over every
session with a tolerated result. The projected date is where the fitted line reaches the demand.
Its uncertainty: with three or more observations, the slope's standard error gives a range — the
line through the mean point with slope ± one standard error reaches the demand between `earliest`
and `latest` (`latest` is open, None, when slope - SE is not rising). A demand already met is ready
on the day of that observation; a flat or falling trend projects no date; a demand without any
observation falls back on the plan's own estimate (the end of its last phase)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

Status = Literal["met", "projected", "not_progressing", "plan_estimate"]
HORIZON_DAYS = 3 * 365  # a crossing further away than this is no projection


@dataclass(frozen=True)
class Fit:
    """value ≈ intercept + slope · (day - first day); slope per day."""

    slope: float
    intercept: float
    n: int
    mean_x: float
    mean_y: float
    slope_se: float | None
    r_squared: float | None


@dataclass(frozen=True)
class DemandReadiness:
    status: Status
    ready_on: date | None
    earliest: date | None = None
    latest: date | None = None
    fit: Fit | None = None


def least_squares(points: Sequence[tuple[float, float]]) -> Fit | None:
    """The OLS line through (x, y) points; None with fewer than two distinct x."""
    n = len(points)
    if n < 2 or len({x for x, _ in points}) < 2:
        return None
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in points)
    syy = sum((y - mean_y) ** 2 for _, y in points)
    slope = sxy / sxx
    residual = sum((y - (mean_y + slope * (x - mean_x))) ** 2 for x, y in points)
    slope_se = math.sqrt(residual / (n - 2) / sxx) if n > 2 else None
    r_squared = 1 - residual / syy if syy > 0 else None
    return Fit(slope, mean_y - slope * mean_x, n, mean_x, mean_y, slope_se, r_squared)


def _crossing(first_day: date, fit: Fit, slope: float, required: float) -> date | None:
    if slope <= 0:
        return None
    x = fit.mean_x + (required - fit.mean_y) / slope
    if x > HORIZON_DAYS:
        return None
    return first_day + timedelta(days=math.ceil(x))


def demand_readiness(
    points: Sequence[tuple[date, float]], required: float | None, as_of: date, plan_estimate: date
) -> DemandReadiness:
    """When one demand will be met, from its observations (date order)."""
    if not points:
        return DemandReadiness("plan_estimate", plan_estimate)
    last_day, last_value = points[-1]
    if required is None or last_value >= required:
        return DemandReadiness("met", last_day)
    first_day = points[0][0]
    fit = least_squares([((day - first_day).days, value) for day, value in points])
    if fit is None or fit.slope <= 0:
        return DemandReadiness("not_progressing", None, fit=fit)
    ready_on = _crossing(first_day, fit, fit.slope, required)
    earliest = latest = None
    if fit.slope_se is not None:
        earliest = _crossing(first_day, fit, fit.slope + fit.slope_se, required)
        latest = _crossing(first_day, fit, fit.slope - fit.slope_se, required)
    return DemandReadiness(
        "projected" if ready_on else "not_progressing",
        _not_before(ready_on, as_of),
        _not_before(earliest, as_of),
        _not_before(latest, as_of),
        fit,
    )


def _not_before(day: date | None, as_of: date) -> date | None:
    # A line crossing in the past while the last observation still falls short: not ready before tomorrow.
    return None if day is None else max(day, as_of + timedelta(days=1))


@dataclass(frozen=True)
class Readiness:
    ready_on: date | None
    earliest: date | None
    latest: date | None


def overall(demands: Sequence[DemandReadiness]) -> Readiness:
    """Ready when every demand is: the latest of the dates (none while any demand projects none)."""
    if not demands or any(d.ready_on is None for d in demands):
        return Readiness(None, None, None)
    earliest = [d.earliest or d.ready_on for d in demands]
    latest = [d.latest if d.status == "projected" else d.ready_on for d in demands]
    return Readiness(
        ready_on=max(d.ready_on for d in demands if d.ready_on),
        earliest=max(e for e in earliest if e),
        latest=None if any(x is None for x in latest) else max(x for x in latest if x),
    )


def monday_after(day: date) -> date:
    """The first Monday strictly after `day`."""
    return day + timedelta(days=7 - day.weekday())


def projected_rtw_date(schedule_start: date, last_week: int, ready_on: date | None) -> date:
    """Full return: when the graduated schedule's last week ends — or, should the worker be projected
    ready only later, the Monday after readiness (full duties cannot begin before)."""
    end = schedule_start + timedelta(days=7 * last_week)
    return max(end, monday_after(ready_on)) if ready_on and ready_on >= end else end
