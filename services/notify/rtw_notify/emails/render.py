"""Emails from Jinja2 templates: every kind has a text template (subject and body) and an HTML
template, both fed the same context, so the two parts always say the same thing. The context holds
case references (and the insurer's claim number), dates — always with the year —, links to pages
and what an employer offered — never identity, diagnosis, pain or notes: the events notify
receives carry none of them."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from .dates import day, week_span


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("rtw_notify.emails", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False, default=False),
        undefined=StrictUndefined,  # a missing value is a bug to see in tests, not a blank in a sent email
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(day=day, week_span=week_span)  # dates with their year, from ISO text too
    return env


def render(kind: str, **context: object) -> Rendered:
    """The subject, text and HTML parts of a `kind` email."""
    env = _environment()
    optional = {"link": None, "link_text": "", "case_id": None, "counter": None, "claim_number": None}
    context = {**optional, **context, "kind": kind}
    text_template = env.get_template(f"{kind}.txt.j2")
    subject = "".join(text_template.blocks["subject"](text_template.new_context(context))).strip()
    text = text_template.render(context).strip() + "\n"
    html = env.get_template(f"{kind}.html.j2").render(context, subject=subject)
    return Rendered(subject=" ".join(subject.split())[:300], text=text, html=html)
