"""The code systems and units the FHIR resources use (docs/fhir.md names each), and RTW's own code
systems: the demand scale, its frequencies, body parts, plan activities, duties, the Job Accommodation
Network's categories and RTW's own observation codes — the project's vocabulary
(rtw_shared.vocabulary, docs/domain/cases.md), published as CodeSystem resources (`code_system`)."""

from __future__ import annotations

from typing import Any, get_args

from ..vocabulary import AccommodationCategory, Demand, Duties, Frequency

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
ICD_10_CM = "http://hl7.org/fhir/sid/icd-10-cm"
# The BLS Standard Occupational Classification (HL7's OID for it): the first seven characters of an
# O*NET-SOC code are its SOC code.
SOC = "urn:oid:2.16.840.1.113883.6.243"
# O*NET-SOC 2019, the occupation taxonomy O*NET publishes (HL7 registers no URI for it).
ONET_SOC = "https://www.onetcenter.org/taxonomy.html"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
V3_ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
V3_OBSERVATION_VALUE = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue"
V3_PARTICIPATION_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
ORGANIZATION_TYPE = "http://terminology.hl7.org/CodeSystem/organization-type"
COVERAGE_CLASS = "http://terminology.hl7.org/CodeSystem/coverage-class"
DATA_ABSENT_REASON = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"

# RTW's own: the canonical URLs of its code systems, extensions and identifiers.
RTW_BASE = "https://rtw.example/fhir"
RTW_CODE_SYSTEM = f"{RTW_BASE}/CodeSystem"
RTW_EXTENSION = f"{RTW_BASE}/StructureDefinition"
CASE_REFERENCE_SYSTEM = f"{RTW_BASE}/NamingSystem/case-reference"
DEMAND = f"{RTW_CODE_SYSTEM}/demand"
FREQUENCY = f"{RTW_CODE_SYSTEM}/demand-frequency"
BODY_PART = f"{RTW_CODE_SYSTEM}/body-part"
ACTIVITY_KIND = f"{RTW_CODE_SYSTEM}/activity-kind"
DUTIES = f"{RTW_CODE_SYSTEM}/duties"
ACCOMMODATION_CATEGORY = f"{RTW_CODE_SYSTEM}/accommodation-category"
RTW_OBSERVATION = f"{RTW_CODE_SYSTEM}/observation"
RTW_TASK = f"{RTW_CODE_SYSTEM}/task"
DEMAND_FREQUENCY_EXTENSION = f"{RTW_EXTENSION}/demand-frequency"
GAS_EXTENSION = f"{RTW_EXTENSION}/goal-attainment-scaling"

ODH = "http://hl7.org/fhir/us/odh/StructureDefinition"
ODH_PAST_OR_PRESENT_JOB = f"{ODH}/odh-PastOrPresentJob"
ODH_EMPLOYMENT_STATUS = f"{ODH}/odh-EmploymentStatus"
ODH_EMPLOYER = f"{ODH}/odh-Employer-extension"
ODH_IS_CURRENT_JOB = f"{ODH}/odh-isCurrentJob-extension"

DEMAND_DISPLAY: dict[str, str] = {
    "lift_floor_waist": "Lift, floor to waist",
    "lift_waist_shoulder": "Lift, waist to shoulder",
    "lift_overhead": "Lift overhead",
    "carry": "Carry",
    "push": "Push",
    "pull": "Pull",
    "sit": "Sit",
    "stand": "Stand",
    "walk": "Walk",
    "climb_stairs": "Climb stairs",
    "climb_ladder": "Climb a ladder",
    "stoop": "Stoop",
    "crouch": "Crouch",
    "kneel": "Kneel",
    "crawl": "Crawl",
    "reach_overhead": "Reach overhead",
    "reach_forward": "Reach forward",
    "grip": "Grip",
    "fine_manipulation": "Fine manipulation",
    "gross_manipulation": "Gross manipulation",
    "keyboarding": "Keyboarding",
    "drive": "Drive",
}
FREQUENCY_DISPLAY = {
    "never": "Never",
    "occasional": "Occasional: up to a third of the day",
    "frequent": "Frequent: a third to two thirds of the day",
    "constant": "Constant: over two thirds of the day",
}
ACTIVITY_DISPLAY = {
    "work_simulation": "Work simulation",
    "conditioning": "Conditioning",
    "skill_training": "Job-skill training",
    "education": "Education",
}
DUTIES_DISPLAY = {"modified": "Modified duties", "full": "Full duties"}
OBSERVATION_DISPLAY = {
    "capacity": "Measured capacity on the demand scale",
    "grip": "Grip strength, mean of three trials",
    "grip-left": "Grip strength, left hand",
    "grip-right": "Grip strength, right hand",
    "copm": "Canadian Occupational Performance Measure",
    "copm-performance": "COPM performance, mean of the problems rated",
    "copm-satisfaction": "COPM satisfaction, mean of the problems rated",
    "session-summary": "Treatment session summary",
    "session-minutes": "Session duration",
    "work-simulation": "Work simulation done in the session",
    "pain-before": "Pain before the session (NRS 0-10)",
    "pain-after": "Pain after the session (NRS 0-10)",
    "effort-borg-cr10": "Effort, Borg CR10",
    "attendance": "Attendance",
    "gas-t-score": "Goal Attainment Scaling T-score",
    "dot-strength-level": "DOT strength level of the job, as stated",
}
TASK_DISPLAY = {
    "accommodation-request": "Workplace accommodation request",
    "accommodation": "Accommodation asked for",
    "restriction": "Restriction to accommodate",
    "schedule-week": "Week of the graduated return-to-work schedule",
    "decision-note": "The employer's note on the decision",
    "counter-proposal": "The employer's counter-proposal",
}
ACCOMMODATION_DISPLAY = {
    "schedule_modification": "Schedule modification",
    "modified_duties": "Modified duties",
    "ergonomic_equipment": "Ergonomic equipment",
    "job_restructuring": "Job restructuring",
    "assistive_technology": "Assistive technology",
    "remote_work": "Remote work",
    "rest_breaks": "Rest breaks",
    "reassignment": "Reassignment",
    "other": "Other",
}
# The units of the demand scale, in UCUM.
KG, MIN, HOUR, DAY, WEEK, SCORE = "kg", "min", "h", "d", "wk", "{score}"
UNIT_DISPLAY = {KG: "kg", MIN: "min", HOUR: "h", DAY: "d", WEEK: "wk", SCORE: "score"}


def coding(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    """A Coding (display left out when unknown)."""
    found: dict[str, Any] = {"system": system, "code": code}
    if display:
        found["display"] = display
    return found


def concept(*codings: dict[str, Any], text: str | None = None) -> dict[str, Any]:
    """A CodeableConcept of `codings` (and `text`, what a person reads)."""
    found: dict[str, Any] = {}
    if codings:
        found["coding"] = list(codings)
    if text:
        found["text"] = text
    return found


def rtw(system: str, code: str) -> dict[str, Any]:
    """A CodeableConcept of RTW's code system `system` (its display from that system)."""
    display = _DISPLAYS.get(system, {}).get(code)
    return concept(coding(system, code, display), text=display)


def loinc(code: str, display: str) -> dict[str, Any]:
    """A CodeableConcept of one LOINC code."""
    return concept(coding(LOINC, code, display), text=display)


def quantity(value: float | int, unit: str) -> dict[str, Any]:
    """A Quantity in UCUM (`unit` is its UCUM code)."""
    number: float | int = value if isinstance(value, int) else round(float(value), 4)
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    return {"value": number, "unit": UNIT_DISPLAY.get(unit, unit), "system": UCUM, "code": unit}


def unit_of(demand: str) -> str:
    """The demand scale's unit for `demand`: kg for force demands, minutes for postural ones."""
    return KG if demand in FORCE_DEMANDS else MIN


FORCE_DEMANDS = frozenset({"lift_floor_waist", "lift_waist_shoulder", "lift_overhead", "carry", "push", "pull"})

_DISPLAYS: dict[str, dict[str, str]] = {
    DEMAND: DEMAND_DISPLAY,
    FREQUENCY: FREQUENCY_DISPLAY,
    ACTIVITY_KIND: ACTIVITY_DISPLAY,
    DUTIES: DUTIES_DISPLAY,
    ACCOMMODATION_CATEGORY: ACCOMMODATION_DISPLAY,
    RTW_OBSERVATION: OBSERVATION_DISPLAY,
    RTW_TASK: TASK_DISPLAY,
}
# Each of RTW's code systems: its id, title, and what it defines.
CODE_SYSTEMS: dict[str, tuple[str, str, str]] = {
    DEMAND: ("demand", "RTW demand scale", "The physical demands jobs, capacities and restrictions are measured on."),
    FREQUENCY: ("demand-frequency", "RTW demand frequency", "How much of the working day a demand takes."),
    BODY_PART: ("body-part", "RTW body parts", "The body parts a claim names."),
    ACTIVITY_KIND: ("activity-kind", "RTW plan activity kinds", "The kinds of activity a plan's phases hold."),
    DUTIES: ("duties", "RTW duties", "Modified or full duties in a week of the graduated schedule."),
    ACCOMMODATION_CATEGORY: (
        "accommodation-category",
        "RTW accommodation categories",
        "The Job Accommodation Network's categories of workplace accommodation.",
    ),
    RTW_OBSERVATION: ("observation", "RTW observations", "What RTW observes that LOINC has no code for."),
    RTW_TASK: ("task", "RTW tasks", "The accommodation request and the parts of its input and output."),
}


def _concepts(system: str) -> dict[str, str]:
    if system == DEMAND:
        return {code: DEMAND_DISPLAY[code] for code in get_args(Demand)}
    if system == FREQUENCY:
        return {code: FREQUENCY_DISPLAY[code] for code in get_args(Frequency)}
    if system == DUTIES:
        return {code: DUTIES_DISPLAY[code] for code in get_args(Duties)}
    if system == ACCOMMODATION_CATEGORY:
        return {code: ACCOMMODATION_DISPLAY[code] for code in get_args(AccommodationCategory)}
    if system == BODY_PART:
        return {}
    return dict(_DISPLAYS[system])


def code_system(system: str, *, extra: dict[str, str] | None = None) -> dict[str, Any]:
    """RTW's code system `system` as a CodeSystem resource (`extra`: concepts a service adds, e.g. body parts)."""
    identity, title, description = CODE_SYSTEMS[system]
    concepts = {**_concepts(system), **(extra or {})}
    return {
        "resourceType": "CodeSystem",
        "id": f"rtw-{identity}",
        "url": system,
        "name": title.replace(" ", "").replace("RTW", "Rtw"),
        "title": title,
        "status": "active",
        "experimental": False,
        "publisher": "RTW",
        "description": description,
        "caseSensitive": True,
        "content": "complete",
        "count": len(concepts),
        "concept": [{"code": code, "display": display} for code, display in concepts.items()],
    }
