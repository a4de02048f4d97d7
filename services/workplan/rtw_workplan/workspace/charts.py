"""The progress page's charts as server-rendered SVG, drawn here rather than by pygal (progress.chart, the API's
progress.svg) because a page needs what a stand-alone image does not: the legend outside the plot (an HTML list
beside the chart, so the plot keeps its width on a tablet), a "today" marker, the projected readiness date with
its uncertainty band, dates on the axis and round axis numbers, and a text alternative (each chart is a
`role="img"` with a title and description; the page adds the numbers as a table).

Each chart is a `Chart`: the SVG markup (escaped here; no script, no inline style: the page's CSP stays strict)
and its legend. Colours: the Okabe-Ito palette, distinct for colour-blind readers and ≥ 3:1 against white."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from html import escape

from markupsafe import Markup

from ..progress.schemas import ProgressTherapistView

PALETTE = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#8a6d00", "#56b4e9")
INK, GRID, MUTED, BAND = "#1b1f24", "#d5d9e0", "#4a5260", "#dcebf7"
WIDTH, HEIGHT = 720, 320
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 44
MAX_DATE_TICKS = 7
NICE_STEPS = (1, 2, 2.5, 5, 10)


@dataclass(frozen=True)
class Series:
    label: str
    points: list[tuple[date, float]]
    colour: str
    dashed: bool = False


@dataclass(frozen=True)
class Chart:
    svg: Markup
    legend: list[tuple[str, str, bool]] = field(default_factory=list)  # (label, colour, dashed)


def nice_step(span: float, ticks: int = 5) -> float:
    """A round step (1, 2, 2.5 or 5, times a power of ten) that cuts `span` into about `ticks` parts."""
    raw = max(span, 1e-9) / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    return float(next(step * magnitude for step in NICE_STEPS if step * magnitude >= raw))


def value_ticks(low: float, high: float) -> list[float]:
    step = nice_step(high - low)
    first = math.floor(low / step) * step
    count = math.ceil((high - first) / step - 1e-9)
    return [round(first + i * step, 6) for i in range(count + 1)]


def date_ticks(start: date, end: date) -> list[date]:
    """Whole weeks from `start`, thinned to at most MAX_DATE_TICKS."""
    weeks = max(1, (end - start).days // 7)
    every = max(1, math.ceil(weeks / (MAX_DATE_TICKS - 1)))
    return [start + timedelta(days=7 * i) for i in range(0, weeks + 1, every)]


def _label(value: float) -> str:
    return f"{value:g}"


def _day(day: date) -> str:
    return f"{day.day} {day:%b}"


class _Frame:
    """Where a (date, value) falls on the drawing."""

    def __init__(self, start: date, end: date, low: float, high: float):
        self.start, self.days = start, max(1, (end - start).days)
        self.low, self.span = low, max(high - low, 1e-9)

    def x(self, day: date) -> float:
        return round(LEFT + (WIDTH - LEFT - RIGHT) * (day - self.start).days / self.days, 1)

    def y(self, value: float) -> float:
        return round(TOP + (HEIGHT - TOP - BOTTOM) * (1 - (value - self.low) / self.span), 1)


def _axes(frame: _Frame, start: date, end: date, ticks: Sequence[float], y_title: str) -> list[str]:
    parts = []
    for value in ticks:
        y = frame.y(value)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y}" y2="{y}" stroke="{GRID}" stroke-width="1"/>')
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4}" text-anchor="end" font-size="12" fill="{MUTED}">{_label(value)}</text>'
        )
    for day in date_ticks(start, end):
        x = frame.x(day)
        parts.append(f'<line x1="{x}" x2="{x}" y1="{HEIGHT - BOTTOM}" y2="{HEIGHT - BOTTOM + 5}" stroke="{MUTED}"/>')
        parts.append(
            f'<text x="{x}" y="{HEIGHT - BOTTOM + 19}" text-anchor="middle" font-size="12" fill="{MUTED}">'
            f"{_day(day)}</text>"
        )
    parts.append(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{HEIGHT - BOTTOM}" y2="{HEIGHT - BOTTOM}" stroke="{INK}"/>'
    )
    mid = (TOP + HEIGHT - BOTTOM) / 2
    parts.append(
        f'<text x="14" y="{mid}" transform="rotate(-90 14 {mid})" text-anchor="middle" font-size="12" '
        f'fill="{MUTED}">{escape(y_title)}</text>'
    )
    return parts


def _marker(frame: _Frame, day: date, text: str, colour: str, *, dashed: bool = False, above: int = 0) -> list[str]:
    x = frame.x(day)
    dash = ' stroke-dasharray="4,3"' if dashed else ""
    anchor = "end" if x > WIDTH * 0.8 else "start"
    shift = -4 if anchor == "end" else 4
    return [
        f'<line x1="{x}" x2="{x}" y1="{TOP}" y2="{HEIGHT - BOTTOM}" stroke="{colour}" stroke-width="2"{dash}/>',
        f'<text x="{x + shift}" y="{TOP + 12 + above}" text-anchor="{anchor}" font-size="12" fill="{colour}" '
        f'font-weight="600">{escape(text)}</text>',
    ]


def _line(frame: _Frame, series: Series) -> list[str]:
    if not series.points:
        return []
    coords = " ".join(f"{frame.x(d)},{frame.y(v)}" for d, v in series.points)
    dash = ' stroke-dasharray="6,4"' if series.dashed else ""
    parts = [
        f'<polyline points="{coords}" fill="none" stroke="{series.colour}" stroke-width="2.5"{dash}>'
        f"<title>{escape(series.label)}</title></polyline>"
    ]
    parts += [
        f'<circle cx="{frame.x(d)}" cy="{frame.y(v)}" r="3.5" fill="{series.colour}"/>'
        for d, v in series.points
        if not series.dashed
    ]
    return parts


def _svg(ident: str, title: str, description: str, body: list[str]) -> Markup:
    # Every text put in the drawing went through escape() above; numbers and colours are ours.
    return Markup(  # noqa: S704
        f'<svg class="progress-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-labelledby="{ident}-t {ident}-d" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="system-ui, sans-serif">'
        f'<title id="{ident}-t">{escape(title)}</title><desc id="{ident}-d">{escape(description)}</desc>'
        + "".join(body)
        + "</svg>"
    )


def share(value: float, required: float | None) -> float | None:
    """A capacity as a share (%) of what the job demands, so kilograms and minutes share one axis."""
    return None if not required else round(100 * value / required, 1)


def capacity_chart(progress: ProgressTherapistView, names: dict[str, str]) -> Chart:
    """Each demand's capacity, as a % of the job's demand, over time; the job's line at 100 %, today, and the
    projected readiness date with its band from the earliest to the latest date."""
    readiness = progress.readiness
    series = []
    for i, line in enumerate(progress.capacity):
        points = [(p.date, s) for p in line.series if (s := share(p.value, line.required)) is not None]
        label = (
            f"{names.get(line.demand, line.demand)} ({line.frequency}), job: {_label(line.required or 0)} {line.unit}"
        )
        series.append(Series(label, points, PALETTE[i % len(PALETTE)]))
    days = [d for s in series for d, _ in s.points] + [progress.therapy_start_date, progress.as_of]
    days += [d for d in (readiness.projected_readiness_date, readiness.latest) if d is not None]
    start, end = min(days), max(days) + timedelta(days=3)
    top = max([150.0] + [v for s in series for _, v in s.points])
    ticks = value_ticks(0, top)
    frame = _Frame(start, end, 0, ticks[-1])
    body = []
    if readiness.earliest and readiness.latest:
        x1, x2 = frame.x(readiness.earliest), frame.x(min(readiness.latest, end))
        body.append(
            f'<rect x="{x1}" y="{TOP}" width="{max(x2 - x1, 2)}" height="{HEIGHT - TOP - BOTTOM}" fill="{BAND}"/>'
        )
    body += _axes(frame, start, end, ticks, "% of the job's demand")
    y100 = frame.y(100)
    body.append(
        f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y100}" y2="{y100}" stroke="{INK}" stroke-width="2" '
        f'stroke-dasharray="8,4"/>'
    )
    body.append(f'<text x="{LEFT + 4}" y="{y100 - 6}" font-size="12" fill="{INK}">job demand (100 %)</text>')
    for drawn in series:
        body += _line(frame, drawn)
    body += _marker(frame, progress.as_of, "today", INK)
    if readiness.projected_readiness_date:
        body += _marker(frame, readiness.projected_readiness_date, "ready", "#8a1414", dashed=True, above=16)
    legend = [(s.label, s.colour, False) for s in series] + [("job demand (100 %)", INK, True)]
    if readiness.earliest and readiness.latest:
        legend.append(("projected readiness: earliest to latest", BAND, False))
    description = _capacity_words(progress, names)
    return Chart(_svg("capacity", "Capacity against the job's demands", description, body), legend)


def _capacity_words(progress: ProgressTherapistView, names: dict[str, str]) -> str:
    said = []
    for line in progress.capacity:
        now = share(line.current, line.required) if line.current is not None else None
        where = "not measured" if now is None else f"{_label(now)} % of the job's demand"
        said.append(f"{names.get(line.demand, line.demand)}: {where}{', met' if line.met else ''}")
    readiness = progress.readiness
    if readiness.projected_readiness_date:
        span = ""
        if readiness.earliest and readiness.latest:
            span = f" (between {_day(readiness.earliest)} and {_day(readiness.latest)})"
        said.append(f"projected ready for the job on {_day(readiness.projected_readiness_date)}{span}")
    return f"As of {_day(progress.as_of)}: " + "; ".join(said) + "."


def gas_chart(progress: ProgressTherapistView) -> Chart | None:
    """The GAS T-score at each review (50: the goals met as expected); None before a review is scored."""
    points = [(r["date"], float(r["t_score"])) for r in progress.gas.reviews if r.get("t_score") is not None]
    if not points:
        return None
    points = [(d if isinstance(d, date) else date.fromisoformat(str(d)), v) for d, v in points]
    start = min([progress.therapy_start_date] + [d for d, _ in points])
    end = max([progress.as_of] + [d for d, _ in points]) + timedelta(days=3)
    low, high = min([20.0] + [v for _, v in points]), max([80.0] + [v for _, v in points])
    ticks = value_ticks(low, high)
    frame = _Frame(start, end, ticks[0], ticks[-1])
    body = _axes(frame, start, end, ticks, "GAS T-score")
    y50 = frame.y(50)
    body.append(f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y50}" y2="{y50}" stroke="{INK}" stroke-dasharray="8,4"/>')
    body.append(f'<text x="{LEFT + 4}" y="{y50 - 6}" font-size="12" fill="{INK}">as expected (50)</text>')
    body += _line(frame, Series("GAS T-score", points, PALETTE[0]))
    body += _marker(frame, progress.as_of, "today", INK)
    said = ", ".join(f"{_day(d)}: {_label(round(v, 1))}" for d, v in points)
    legend = [("GAS T-score at each review", PALETTE[0], False), ("as expected (50)", INK, True)]
    return Chart(_svg("gas", "GAS T-score over the reviews", f"T-score at each review: {said}.", body), legend)
