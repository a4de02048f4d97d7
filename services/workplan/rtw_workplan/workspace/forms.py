"""The workspace's forms read into the bodies the services' APIs take; the API then applies its own rules
and answers 422 naming the field, which the page shows in words (wording.field_words). Only what a form
cannot say as JSON is decided here: an empty row or field is left out (so the API says what is missing),
pounds become kilograms, a number that is not one is named, the rows of a table are put together. Pure:
no I/O, so each form's reading is tested on its own.

Field names: a table posts one value per row for each of its columns (`cap_demand`, `cap_frequency`, …);
the new-case form's essential functions are numbered blocks (`fn0_name`, `fn0_demand`, …)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from rtw_shared.strength import LB_IN_KG, level_demanded

from ..rules.facts import DOT_DEMANDS

Posted = Mapping[str, Sequence[str]]
Body = dict[str, Any]
Number = TypeVar("Number", int, float)
UNITS = ("kg", "lb", "min")  # a demand's amount: a load (kg or lb) or a duration (minutes)
FUNCTION_NAME = re.compile(r"^fn(\d+)_name$")
CONSENTS = ("share_restrictions_with_employer", "share_status_with_insurer")


class FormError(ValueError):
    """What is wrong with a form before any API could judge it, as sentences a person can act on."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def first(form: Posted, name: str) -> str:
    """The field's (first) value, stripped ("" when it was not sent)."""
    values = form.get(name) or [""]
    return values[0].strip()


def rows(form: Posted, *columns: str) -> list[dict[str, str]]:
    """The rows of a table: the i-th value of each column (a missing one is "")."""
    length = max((len(form.get(column, ())) for column in columns), default=0)
    return [
        {column: (list(form.get(column, ())) + [""] * length)[i].strip() for column in columns} for i in range(length)
    ]


def _number(value: str, cast: Callable[[str], Number], where: str, problems: list[str]) -> Number | None:
    if not value:
        return None
    try:
        return cast(value.replace(",", "."))
    except ValueError:
        problems.append(f"{where}: “{value}” is not a number.")
        return None


def _set(body: Body, key: str, value: object) -> None:
    """`body[key] = value`, unless the value is empty: the API then names what is missing."""
    if value not in (None, "", [], {}):
        body[key] = value


def amount(value: str, unit: str, where: str, problems: list[str]) -> Body:
    """A demand's amount as the API takes it: `load_kg` (pounds converted) or `duration_min`."""
    figure = _number(value, float, where, problems)
    if figure is None:
        return {}
    if unit == "min":
        return {"duration_min": figure}
    return {"load_kg": round(figure * LB_IN_KG, 2) if unit == "lb" else figure}


def demands(form: Posted, prefix: str, where: str, problems: list[str]) -> list[Body]:
    """The rows of a demand table (`{prefix}demand`, `frequency`, `amount`, `unit`) that name a demand."""
    found = []
    table = rows(form, f"{prefix}demand", f"{prefix}frequency", f"{prefix}amount", f"{prefix}unit")
    for index, row in enumerate(table, start=1):
        if not row[f"{prefix}demand"]:
            continue
        item: Body = {"demand": row[f"{prefix}demand"]}
        _set(item, "frequency", row[f"{prefix}frequency"])
        item |= amount(row[f"{prefix}amount"], row[f"{prefix}unit"], f"{where} {index}", problems)
        found.append(item)
    return found


def function_blocks(form: Posted) -> list[int]:
    """The numbers of the new-case form's essential-function blocks, in order."""
    return sorted(int(m.group(1)) for name in form if (m := FUNCTION_NAME.match(name)))


def essential_functions(form: Posted, problems: list[str]) -> list[Body]:
    """Each essential function that has a name or a demand, with its demands."""
    found = []
    for shown, block in enumerate(function_blocks(form), start=1):
        rows_of = demands(form, f"fn{block}_", f"Essential function {shown}, demand", problems)
        name = first(form, f"fn{block}_name")
        if name or rows_of:
            function: Body = {"demands": rows_of}
            _set(function, "name", name)
            found.append(function)
    return found


def case_body(form: Posted) -> Body:
    """The new-case form as `POST /v1/cases` takes it (FormError: a number that is not one)."""
    problems: list[str] = []
    contact: Body = {}
    _set(contact, "email", first(form, "worker_email"))
    _set(contact, "phone", first(form, "worker_phone"))
    worker: Body = {}
    for key in ("given_name", "family_name", "date_of_birth"):
        _set(worker, key, first(form, f"worker_{key}"))
    _set(worker, "contact", contact)
    _set(worker, "preferred_language", first(form, "worker_language"))
    claim: Body = {"body_parts": [p for p in form.get("body_parts", []) if p]}
    for key, field in (("claim_number", "claim_number"), ("insurer_org_id", "insurer"), ("injury_date", "injury_date")):
        _set(claim, key, first(form, field))
    _set(claim, "mechanism", first(form, "mechanism"))
    claim["diagnosis_codes"] = [code for code in re.split(r"[\s,;]+", first(form, "diagnosis_codes")) if code]
    employment: Body = {"essential_functions": essential_functions(form, problems)}
    for key, field in (("employer_org_id", "employer"), ("job_title", "job_title"), ("onet_soc_code", "onet_soc_code")):
        _set(employment, key, first(form, field))
    _set(employment, "dot_strength_level", first(form, "dot_strength_level"))
    _set(employment, "hours_per_day", _number(first(form, "hours_per_day"), float, "Hours a day", problems))
    _set(employment, "days_per_week", _number(first(form, "days_per_week"), int, "Days a week", problems))
    body: Body = {"worker": worker, "claim": claim, "employment": employment, "consents": consent_flags(form)}
    referral: Body = {}
    _set(referral, "source", first(form, "referral_source"))
    _set(referral, "date", first(form, "referral_date"))
    _set(body, "referral", referral)
    if problems:
        raise FormError(problems)
    return body


def consent_flags(form: Posted) -> Body:
    """The new case's consents: a ticked box is a consent given."""
    return {name: bool(first(form, name)) for name in CONSENTS}


def consent_evidence(form: Posted) -> str | None:
    """What the consents given on the new-case form rest on (a signed form's reference), if said."""
    return first(form, "consent_evidence") or None


def strength_level(form: Posted) -> str | None:
    """The DOT level the new-case form's force demands call for, as intake will compute it (None: no force
    demand with a load yet). Rows that are not numbers yet are skipped: this runs while the person types."""
    loads = []
    for function in essential_functions(form, []):
        for item in function["demands"]:
            if item["demand"] in DOT_DEMANDS and item.get("load_kg") is not None and item.get("frequency"):
                loads.append((item["frequency"], item["load_kg"] / LB_IN_KG))
    level: str | None = level_demanded(loads)
    return level


def assessment_body(form: Posted) -> Body:
    """The assessment form as `POST /v1/cases/{id}/assessments` takes it."""
    problems: list[str] = []
    body: Body = {"capacities": demands(form, "cap_", "Capacity", problems), "copm": copm(form, problems)}
    _set(body, "date", first(form, "date"))
    _set(body, "pain_nrs", _number(first(form, "pain_nrs"), int, "Pain", problems))
    left, right = (_trials(form, f"grip_{side}", side, problems) for side in ("left", "right"))
    if left or right:
        if len(left) != 3 or len(right) != 3:
            problems.append("Grip: give all three trials of each hand, or none.")
        body["grip_trials_kg"] = {"left": left, "right": right}
    if problems:
        raise FormError(problems)
    return body


def _trials(form: Posted, name: str, side: str, problems: list[str]) -> list[float]:
    values = [_number(v.strip(), float, f"Grip, {side} hand", problems) for v in form.get(name, [])]
    return [v for v in values if v is not None]


def copm(form: Posted, problems: list[str]) -> list[Body]:
    """The COPM rows that name a problem: importance, performance and satisfaction, 1 to 10."""
    found = []
    table = rows(form, "copm_problem", "copm_importance", "copm_performance", "copm_satisfaction")
    for index, row in enumerate(table, start=1):
        if not row["copm_problem"]:
            continue
        item: Body = {"problem": row["copm_problem"]}
        for score in ("importance", "performance", "satisfaction"):
            _set(item, score, _number(row[f"copm_{score}"], int, f"COPM problem {index}: {score}", problems))
        found.append(item)
    return found


def restrictions_body(form: Posted) -> Body:
    """The restrictions table as `PUT /v1/cases/{id}/restrictions` takes it: the whole list (a row whose
    demand is emptied is removed)."""
    problems: list[str] = []
    found = []
    table = rows(form, "r_demand", "r_frequency", "r_amount", "r_unit", "r_start", "r_review_date", "r_end")
    for index, row in enumerate(table, start=1):
        if not row["r_demand"]:
            continue
        item: Body = {"demand": row["r_demand"]}
        _set(item, "frequency", row["r_frequency"])
        item |= amount(row["r_amount"], row["r_unit"], f"Restriction {index}", problems)
        for key in ("start", "review_date", "end"):
            _set(item, key, row[f"r_{key}"])
        found.append(item)
    if problems:
        raise FormError(problems)
    return {"restrictions": found}


def consent_body(form: Posted) -> Body:
    """One consent granted or withdrawn, as `PUT /v1/cases/{id}/consents` takes it."""
    decision: Body = {"granted": first(form, "granted") == "true"}
    _set(decision, "evidence", first(form, "evidence"))
    return {first(form, "consent"): decision}


def transition_body(form: Posted) -> Body:
    """A status move, as `POST /v1/cases/{id}/transitions` takes it."""
    body: Body = {"to": first(form, "to")}
    _set(body, "reason", first(form, "reason"))
    return body
