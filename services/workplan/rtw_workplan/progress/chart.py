"""The progress chart as SVG, drawn by pygal (pure Python, no system libraries) from the reader's view
of the report — the same object the JSON answer is (views.progress), so the chart shows nothing its
JSON leaves out: each demand's capacity as a share of what the job demands (so kilograms and minutes
share one axis; the job's demand is the 100 % line) — over time where the view has the dated
measurements (the therapist's), where it stands now otherwise (the insurer's) — and the GAS T-score
of each review on a second axis."""

from __future__ import annotations

import re
from datetime import date

import pygal
from pygal.style import CleanStyle

from .schemas import CapacityView, ProgressInsurerView, ProgressTherapistView

JOB_LINE = 100.0
# pygal writes its configuration into an inline <script> even with js=[]; nothing reads it without
# pygal's tooltip script, and a chart served to clients should carry no script at all.
_SCRIPT = re.compile(rb"<script\b.*?</script>", re.DOTALL)


def _share(value: float, required: float | None) -> float | None:
    if not required:
        return None
    return round(100 * value / required, 1)


def _no_point(day: date) -> list[tuple[date, float | None]]:
    """A series without points: pygal still lists it in the legend."""
    return [(day, None)]


def _measured(line: CapacityView, as_of: date) -> list[tuple[date, float]]:
    """The (day, value) points of a capacity line the view shows: each measurement, or the one for now."""
    series = getattr(line, "series", None)
    if series is not None:
        return [(point.date, point.value) for point in series]
    return [] if line.current is None else [(as_of, line.current)]


def _days(progress: ProgressTherapistView | ProgressInsurerView) -> list[date]:
    days = {day for line in progress.capacity for day, _ in _measured(line, progress.as_of)}
    days |= {review["date"] for review in progress.gas.reviews}
    return sorted(days | {progress.therapy_start_date, progress.as_of})


def render_svg(progress: ProgressTherapistView | ProgressInsurerView, title: str) -> bytes:
    """The chart of one reader's view of a plan's report, as an SVG document (no scripts: safe inline)."""
    chart = pygal.DateLine(
        title=title,
        style=CleanStyle,
        js=[],  # no external script: the SVG stands alone
        x_label_rotation=30,
        show_dots=True,
        dots_size=3,
        y_title="capacity, % of the job's demand",
        secondary_range=(0, 100),
        range=(0, 150),
        truncate_legend=40,
        disable_xml_declaration=False,
        width=900,
        height=480,
    )
    days = _days(progress)
    chart.add(
        "job demand (100 %)",
        [(days[0], JOB_LINE), (days[-1], JOB_LINE)],
        show_dots=False,
        stroke_style={"dasharray": "6,4"},
    )
    for line in progress.capacity:
        points = [(day, _share(value, line.required)) for day, value in _measured(line, progress.as_of)]
        points = [(day, share) for day, share in points if share is not None]
        label = f"{line.demand} ({line.frequency}, {line.required or '-'} {line.unit})"
        chart.add(label, points or _no_point(days[0]))
    gas = [(review["date"], review["t_score"]) for review in progress.gas.reviews if review["t_score"] is not None]
    chart.add("GAS T-score", gas or _no_point(days[0]), secondary=True)
    return _SCRIPT.sub(b"", chart.render())
