"""Drafts start from the case (docs/domain/plans.md): a draft carries the case's restrictions (dates kept),
the job's demands as goal targets (their baselines what the assessment measured) and — until the case's
first version is published — the latest assessment as the plan's baseline.

What the case gave a draft is kept beside it (`Plan.seed`). When the case changes (its job arrives, its
restrictions are replaced, a later assessment is recorded), each part of an open draft that still equals
what the case gave — the therapist has not edited it — follows the case; a part the therapist edited is
never overwritten. The baseline itself is not edited by anyone: a first draft always follows the latest
assessment; once a version is published, revisions keep the baseline of the version they revise (the pain
before treatment began does not move with a reassessment)."""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

from pydantic import ValidationError

from rtw_shared.restrictions import RestrictionIn

from ..cases.models import CaseCopy
from ..rules.capacity import observation
from ..rules.facts import measured_by_load
from ..rules.report import baseline_facts
from .models import Plan
from .schemas import GoalIn

# Goals made from the job's demands get ids derived from the case and the demand, so the same demand gives
# the same goal id each time the case is read again (and a draft's untouched goals compare equal).
GOAL_IDS = uuid.UUID("5b0d6a52-8f7e-4f5e-9a43-0c1f2d6e7a11")
SEEDED_PARTS = ("goals", "restrictions")
FREQUENCIES = ("occasional", "frequent", "constant")


def seed_of(case: CaseCopy) -> dict[str, list[dict[str, Any]]]:
    """What the case gives a draft: goals from the job's demands, and the case's restrictions."""
    return {"goals": job_goals(case), "restrictions": case_restrictions(case)}


def case_restrictions(case: CaseCopy) -> list[dict[str, Any]]:
    """The case's restrictions as a plan holds them (one model: rtw_shared.restrictions; dates kept)."""
    kept = []
    for item in case.restrictions or []:
        try:
            restriction = RestrictionIn.model_validate({**item, "frequency": item.get("frequency") or "occasional"})
        except ValidationError:
            continue  # not a limit a plan can hold (intake validates them with the same model)
        kept.append(restriction.model_dump(mode="json"))
    return kept


def job_goals(case: CaseCopy) -> list[dict[str, Any]]:
    """A goal per job demand with a number (never-demands skipped): its target the demand, its baseline what
    the assessment measured at that frequency (0 when it measured nothing there)."""
    assessed = baseline_facts(case.assessment)
    seen: Counter[str] = Counter()
    goals = []
    for demand in case.job_demands:
        name, frequency = demand.get("demand"), demand.get("frequency")
        required = demand.get("load_kg") if measured_by_load(name) else demand.get("duration_min")
        if frequency == "never" or not name or required is None:
            continue
        key = f"{name}:{frequency}"
        seen[key] += 1
        measured = observation(assessed.observed(), name, frequency or "occasional") if assessed else None
        unit = "kg" if measured_by_load(name) else "min"
        goal = {
            "id": str(uuid.uuid5(GOAL_IDS, f"{case.case_id}:{key}:{seen[key]}")),
            "demand": name,
            "frequency": frequency if frequency in FREQUENCIES else None,
            "essential_function": demand.get("essential_function"),
            "baseline": float(min(measured or 0.0, required)),
            "target": float(required),
            "unit": unit,
            "description": _describe(demand, required, unit),
        }
        try:
            goals.append(GoalIn.model_validate(goal).model_dump(mode="json"))
        except ValidationError:
            continue  # a demand outside what a goal can hold (intake validates the job with the same scale)
    return goals


def _describe(demand: dict[str, Any], required: float, unit: str) -> str:
    what = f"{str(demand['demand']).replace('_', ' ')} {required:g} {unit}, {demand.get('frequency') or 'occasional'}"
    function = demand.get("essential_function")
    return f"{function}: {what}" if function else what


def first_content(case: CaseCopy) -> tuple[dict[str, Any], dict[str, Any]]:
    """(content, seed) of a case's first draft."""
    seed = seed_of(case)
    content: dict[str, Any] = {"goals": [], "phases": [], "schedule": [], "restrictions": [], "accommodations": []}
    return {**content, **seed}, seed


def follow_case(plan: Plan, case: CaseCopy) -> bool:
    """Bring an open draft in line with its case where the therapist has not edited it; True when it changed
    (the caller flushes: one UPDATE, one step of the ETag)."""
    changed = False
    if plan.seed is not None:
        seed = seed_of(case)
        content = dict(plan.content)
        for part in SEEDED_PARTS:
            if content.get(part) == plan.seed.get(part) and seed[part] != plan.seed.get(part):
                content[part] = seed[part]
                changed = True
        if changed:
            plan.content, plan.seed = content, seed
    if plan.previous_plan_id is None and plan.baseline != case.assessment:  # never published: the latest
        plan.baseline = case.assessment
        changed = True
    return changed
