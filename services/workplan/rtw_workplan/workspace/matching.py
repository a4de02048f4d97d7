"""Capacity beside each job demand, met or not met: an assessment's measured capacities (and grip, the
better hand's mean) against every demand of every essential function of the job — by workplan's own rule
(rules.capacity.job_match, the one progress uses: a force demand's capacity counts for its frequency and
every less demanding one, untested frequencies derived from the occasional one). Pure."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..rules.capacity import job_match
from ..rules.facts import Requirement, SessionFacts
from ..rules.report import baseline_facts


@dataclass(frozen=True)
class MatchRow:
    """One job demand and where the worker stands on it."""

    function: str
    demand: str
    frequency: str
    required: float | None
    unit: str
    capacity: float | None
    met: bool


def match_rows(employment: Mapping[str, Any], assessment: Mapping[str, Any] | None) -> list[MatchRow]:
    """Each job demand (`never` ones left out) with the assessment's capacity on it, met or not met."""
    facts = _observed(assessment)
    rows = []
    for function in employment.get("essential_functions", []):
        for demand in function.get("demands", []):
            if demand.get("frequency") in (None, "never"):
                continue
            requirement = Requirement(
                demand["demand"], demand["frequency"], demand.get("load_kg"), demand.get("duration_min")
            )
            [match] = job_match([requirement], [facts] if facts else []).demands
            rows.append(
                MatchRow(
                    function.get("name", ""),
                    match.demand,
                    match.frequency,
                    match.required,
                    match.unit,
                    match.capacity,
                    match.met,
                )
            )
    return rows


def _observed(assessment: Mapping[str, Any] | None) -> SessionFacts | None:
    if not assessment:
        return None
    baseline = baseline_facts(
        {
            "assessed_on": str(assessment.get("assessed_on") or date.min.isoformat()),
            "capacities": list(assessment.get("capacities") or []),
            "grip_kg_left": assessment.get("grip_kg_left"),
            "grip_kg_right": assessment.get("grip_kg_right"),
            "pain_nrs": assessment.get("pain_nrs"),
        }
    )
    return baseline.observed() if baseline else None


def grip_mean(trials: list[float]) -> float | None:
    """The mean of a hand's three trials, as intake records it (None until all three are given)."""
    return round(sum(trials) / len(trials), 2) if len(trials) == 3 else None


def form_assessment(body: Mapping[str, Any]) -> dict[str, Any]:
    """An assessment body as the form would send it, read like a recorded one (grip as each hand's mean)."""
    trials = body.get("grip_trials_kg") or {}
    return {
        "assessed_on": body.get("date"),
        "capacities": body.get("capacities", []),
        "grip_kg_left": grip_mean(list(trials.get("left", []))),
        "grip_kg_right": grip_mean(list(trials.get("right", []))),
    }
