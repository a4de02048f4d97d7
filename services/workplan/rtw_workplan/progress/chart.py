"""The progress chart as SVG, drawn by pygal (pure Python, no system libraries): each demand's
observed capacity over time as a share of what the job demands (so kilograms and minutes share one
axis; the job's demand is the 100 % line), and the GAS T-score of each review on a second axis."""

from __future__ import annotations

import re
from datetime import date

import pygal
from pygal.style import CleanStyle

from ..rules.report import Report

JOB_LINE = 100.0
# pygal writes its configuration into an inline <script> even with js=[]; nothing reads it without
# pygal's tooltip script, and a chart served to clients should carry no script at all.
_SCRIPT = re.compile(rb"<script\b.*?</script>", re.DOTALL)


def _share(value: float, required: float | None) -> float | None:
    if not required:
        return None
    return round(100 * value / required, 1)


def _days(report: Report) -> list[date]:
    days = {day for line in report.capacity for day, _ in line.series} | {g.review_date for g in report.gas}
    return sorted(days | {report.therapy_start, report.as_of})


def render_svg(report: Report, title: str) -> bytes:
    """The chart of one plan's report as an SVG document (no scripts: safe to show inline)."""
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
    days = _days(report)
    chart.add(
        "job demand (100 %)",
        [(days[0], JOB_LINE), (days[-1], JOB_LINE)],
        show_dots=False,
        stroke_style={"dasharray": "6,4"},
    )
    for line in report.capacity:
        points = [(day, _share(value, line.required)) for day, value in line.series]
        points = [(day, share) for day, share in points if share is not None]
        label = f"{line.demand} ({line.frequency}, {line.required or '-'} {line.unit})"
        chart.add(label, points or [(days[0], None)])
    gas = [(g.review_date, g.t_score) for g in report.gas if g.t_score is not None]
    chart.add("GAS T-score", gas or [(days[0], None)], secondary=True)
    return _SCRIPT.sub(b"", chart.render())
