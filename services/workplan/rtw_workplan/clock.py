"""Workplan's time, beneath everything that acts on a date."""

from __future__ import annotations

from datetime import date, datetime

from rtw_shared.clock import process_clock


def now() -> datetime:
    """The service's time (rtw_shared.clock: tests and the dev stack can move it)."""
    return process_clock()()


def today() -> date:
    return now().date()
