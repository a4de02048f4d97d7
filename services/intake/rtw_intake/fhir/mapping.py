"""Intake's records as FHIR R4 resources, each cut to the reader's role view (rtw_shared.role_view): a
resource whose field the view does not show is not made, an element it does not show is left out.
docs/fhir.md has the tables."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rtw_shared.fhir import terminology as t
from rtw_shared.fhir.resources import Resource, cut, day, reference, resource, shown
from rtw_shared.role_view import Field, RoleView

from ..cases.models import Assessment, Case, ConsentChange
from ..cases.status_machine import FINAL
from ..organisations.models import Organisation

F = Field
ORGANIZATION_TYPE = {
    "clinic": ("prov", "Healthcare Provider"),
    "employer": ("bus", "Non-Healthcare Business or Corporation"),
    "insurer": ("ins", "Insurance Company"),
}
# Which of the worker's consents names which of the case's organisations, and what it shares.
CONSENTS = {
    "share_restrictions_with_employer": ("employer", "employer_org_id", "who the worker is and what they may not do"),
    "share_status_with_insurer": ("insurer", "insurer_org_id", "the case, its progress and its cost"),
}
PATIENT_FIELDS = {
    "identifier": F.REFERENCE,
    "active": F.REFERENCE,
    "name": F.WORKER_NAME,
    "birthDate": F.DATE_OF_BIRTH,
    "telecom": F.WORKER_CONTACT,
    "communication": F.WORKER_CONTACT,
    "managingOrganization": F.CARE_TEAM,
}
PAIN_NRS = ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported")


def patient_id(case: Case) -> str:
    return str(case.id)


def subject(case: Case) -> dict[str, Any]:
    return reference("Patient", case.id)


def patient(case: Case, view: RoleView) -> Resource:
    """The worker as known in this case."""
    worker, contact = case.worker, case.worker.get("contact") or {}
    telecom = [
        {"system": system, "value": contact[key], "use": "home"}
        for system, key in (("email", "email"), ("phone", "phone"))
        if contact.get(key)
    ]
    language = worker.get("preferred_language")
    found = resource(
        "Patient",
        case.id,
        case.updated_at,
        identifier=[{"system": t.CASE_REFERENCE_SYSTEM, "value": case.reference}],
        active=case.status not in FINAL,
        name=[{"use": "official", "family": worker["family_name"], "given": [worker["given_name"]]}],
        birthDate=worker.get("date_of_birth"),
        telecom=telecom,
        communication=[{"language": t.concept(t.coding("urn:ietf:bcp:47", language), text=language), "preferred": True}]
        if language
        else None,
        managingOrganization=reference("Organization", case.clinic_org_id),
    )
    return cut(view, found, PATIENT_FIELDS)


def organizations_named(case: Case, view: RoleView) -> set[str]:
    """The organisations the reader's resources of `case` refer to."""
    named = shown(
        view,
        [
            (F.CARE_TEAM, case.clinic_org_id),
            (F.CLAIM_NUMBER, case.insurer_org_id),
            (F.JOB_TITLE, case.employer_org_id),
            (F.CONSENTS, case.employer_org_id),
            (F.CONSENTS, case.insurer_org_id),
        ],
    )
    return set(named)


def organization(org: Organisation) -> Resource:
    """An organisation of the directory (ids and names: no case data)."""
    code, display = ORGANIZATION_TYPE[org.kind]
    return resource(
        "Organization",
        org.id,
        org.seen_at,
        active=True,
        type=[t.concept(t.coding(t.ORGANIZATION_TYPE, code, display), text=org.kind)],
        name=org.name,
    )


def coverage(case: Case, view: RoleView) -> list[Resource]:
    """The workers' compensation claim: its number and the insurer that pays."""
    if not view.shows(F.CLAIM_NUMBER):
        return []
    claim = case.claim
    return [
        resource(
            "Coverage",
            case.id,
            case.updated_at,
            identifier=[
                {
                    "system": f"{t.RTW_BASE}/NamingSystem/claim-number/{case.insurer_org_id}",
                    "value": claim["claim_number"],
                }
            ],
            status="cancelled" if case.status == "withdrawn" else "active",
            type=t.concept(text="Workers' compensation"),
            beneficiary=subject(case),
            payor=[reference("Organization", case.insurer_org_id)],
        )
    ]


def conditions(case: Case, view: RoleView) -> list[Resource]:
    """The claim's diagnoses (ICD-10-CM), with the body parts, the injury date as onset and the mechanism."""
    if not view.shows(F.DIAGNOSIS):
        return []
    claim = case.claim
    codes: list[str | None] = list(claim.get("diagnosis_codes") or [])
    if not codes and (claim.get("body_parts") or claim.get("mechanism")):
        codes = [None]  # the injury, without a diagnosis code yet
    body_sites = [
        t.concept(t.coding(t.BODY_PART, part, body_part_display(part)), text=body_part_display(part))
        for part in claim.get("body_parts") or []
    ]
    return [
        resource(
            "Condition",
            f"{case.id}-{code or 'injury'}",
            case.updated_at,
            clinicalStatus=t.concept(t.coding(t.CONDITION_CLINICAL, "active", "Active")),
            verificationStatus=t.concept(t.coding(t.CONDITION_VERIFICATION, "confirmed", "Confirmed")),
            category=[t.concept(t.coding(t.CONDITION_CATEGORY, "encounter-diagnosis", "Encounter Diagnosis"))],
            code=t.concept(t.coding(t.ICD_10_CM, code), text=code) if code else t.concept(text="Work injury"),
            bodySite=body_sites,
            subject=subject(case),
            onsetDateTime=claim["injury_date"],
            recordedDate=day(case.created_at.date()),
            note=[{"text": f"Mechanism: {claim['mechanism']}"}] if claim.get("mechanism") else None,
        )
        for code in codes
    ]


def body_part_display(part: str) -> str:
    """How a person reads a body part of the vocabulary (`shoulder_left` → "Shoulder left")."""
    return part.replace("_", " ").capitalize()


def social_history() -> list[dict[str, Any]]:
    return [t.concept(t.coding(t.OBSERVATION_CATEGORY, "social-history", "Social History"))]


def job(case: Case, view: RoleView) -> list[Resource]:
    """The job as ODH's Past or Present Job: occupation (O*NET-SOC and SOC where the case has one; the job
    title), employer, usual hours a day and days a week, duties, and its demands on RTW's demand scale."""
    if not view.shows(F.JOB_TITLE):
        return []
    employment = case.employment
    onet = employment.get("onet_soc_code")
    occupation = t.concept(text=employment["job_title"])
    if onet and view.shows(F.JOB_DEMANDS):
        occupation = t.concept(t.coding(t.ONET_SOC, onet), t.coding(t.SOC, onet[:7]), text=employment["job_title"])
    components = shown(
        view,
        [
            (F.JOB_TITLE, _work_quantity("87512-0", "Daily work hours", employment["hours_per_day"], t.HOUR)),
            (F.JOB_TITLE, _work_quantity("74160-3", "Weekly work days", employment["days_per_week"], t.DAY)),
            *((F.JOB_DEMANDS, c) for c in _duties_and_demands(employment)),
        ],
    )
    return [
        resource(
            "Observation",
            f"{case.id}-job",
            case.updated_at,
            t.ODH_PAST_OR_PRESENT_JOB,
            extension=[
                {"url": t.ODH_EMPLOYER, "valueReference": reference("Organization", case.employer_org_id)},
                {"url": t.ODH_IS_CURRENT_JOB, "valueBoolean": True},
            ],
            status="final",
            category=social_history(),
            code=t.loinc("11341-5", "History of Occupation"),
            subject=subject(case),
            # The job was held when the worker was hurt; when it began the case does not say.
            effectivePeriod={"_start": {"extension": [{"url": t.DATA_ABSENT_REASON, "valueCode": "unknown"}]}},
            valueCodeableConcept=occupation,
            component=components,
        )
    ]


def _work_quantity(code: str, display: str, value: float, unit: str) -> dict[str, Any]:
    return {"code": t.loinc(code, display), "valueQuantity": t.quantity(value, unit)}


def _duties_and_demands(employment: dict[str, Any]) -> list[dict[str, Any]]:
    """Each essential function as an ODH job duty, then each of its demands on the demand scale; the DOT
    strength level as stated."""
    found: list[dict[str, Any]] = []
    for function in employment.get("essential_functions") or []:
        found.append({"code": t.loinc("63761-1", "Job duty"), "valueString": function["name"]})
        found.extend(demand_component(d) for d in function.get("demands") or [])
    if employment.get("dot_strength_level"):
        level = employment["dot_strength_level"]
        found.append(
            {"code": t.rtw(t.RTW_OBSERVATION, "dot-strength-level"), "valueCodeableConcept": t.concept(text=level)}
        )
    return found


def demand_component(demand: dict[str, Any]) -> dict[str, Any]:
    """A demand on RTW's scale: its code, its frequency (an extension), and its load (kg) or duration (min)."""
    name, frequency = demand["demand"], demand["frequency"]
    found: dict[str, Any] = {
        "extension": [
            {
                "url": t.DEMAND_FREQUENCY_EXTENSION,
                "valueCoding": t.coding(t.FREQUENCY, frequency, t.FREQUENCY_DISPLAY[frequency]),
            }
        ],
        "code": t.concept(
            t.coding(t.DEMAND, name, t.DEMAND_DISPLAY[name]), text=f"{t.DEMAND_DISPLAY[name]} ({frequency})"
        ),
    }
    value = demand_quantity(demand)
    if value is not None:
        found["valueQuantity"] = value
    return found


def demand_quantity(demand: dict[str, Any]) -> dict[str, Any] | None:
    """A demand's number in UCUM: the load (kg) of a force demand, the duration (min) of a postural one."""
    preferred = t.unit_of(demand["demand"])
    for unit, key in sorted(((t.KG, "load_kg"), (t.MIN, "duration_min")), key=lambda u: u[0] != preferred):
        if demand.get(key) is not None:
            return t.quantity(demand[key], unit)
    return None


def employment_status(case: Case, view: RoleView) -> list[Resource]:
    """ODH's Employment Status: employed (the case's employer), as long as the case shows the job."""
    if not view.shows(F.JOB_TITLE):
        return []
    return [
        resource(
            "Observation",
            f"{case.id}-employment-status",
            case.updated_at,
            t.ODH_EMPLOYMENT_STATUS,
            status="final",
            category=social_history(),
            code=t.loinc("74165-2", "History of employment status NIOSH"),
            subject=subject(case),
            valueCodeableConcept=t.concept(t.coding(t.V3_OBSERVATION_VALUE, "Employed", "Employed"), text="Employed"),
        )
    ]


def assessments(case: Case, view: RoleView, rows: list[Assessment]) -> list[Resource]:
    """Each assessment's capacities, grip, pain and COPM (the therapist); the latest one's pain and grip
    only — the summary numbers (the insurer)."""
    if view.shows(F.ASSESSMENTS):
        return [found for row in rows for found in _assessment(case, row, detail=True)]
    if view.shows(F.ASSESSMENT_SUMMARY) and rows:
        return _assessment(case, rows[-1], detail=False)
    return []


def _assessment(case: Case, row: Assessment, *, detail: bool) -> list[Resource]:
    common = {"status": "final", "subject": subject(case), "effectiveDateTime": day(row.assessed_on)}
    found: list[Resource] = []
    if row.pain_nrs is not None:
        found.append(
            resource(
                "Observation",
                f"{row.id}-pain",
                row.created_at,
                category=[t.concept(t.coding(t.OBSERVATION_CATEGORY, "survey", "Survey"))],
                code=t.loinc(*PAIN_NRS),
                valueInteger=row.pain_nrs,
                **common,
            )
        )
    if row.grip_kg_left is not None or row.grip_kg_right is not None:
        sides = (("grip-left", row.grip_kg_left), ("grip-right", row.grip_kg_right))
        found.append(
            resource(
                "Observation",
                f"{row.id}-grip",
                row.created_at,
                category=_exam(),
                code=t.concept(
                    t.coding(t.DEMAND, "grip", "Grip"),
                    t.coding(t.RTW_OBSERVATION, "grip", t.OBSERVATION_DISPLAY["grip"]),
                    text="Grip strength",
                ),
                component=[
                    {"code": t.rtw(t.RTW_OBSERVATION, code), "valueQuantity": t.quantity(float(value), t.KG)}
                    for code, value in sides
                    if value is not None
                ],
                **common,
            )
        )
    if detail:
        found.extend(_capacities(row, common))
        found.extend(_copm(row, common))
    return found


def _exam() -> list[dict[str, Any]]:
    return [t.concept(t.coding(t.OBSERVATION_CATEGORY, "exam", "Exam"))]


def _capacities(row: Assessment, common: dict[str, Any]) -> list[Resource]:
    found = []
    for index, capacity in enumerate(row.capacities):
        value = demand_quantity(capacity)
        if value is None:
            continue
        component = demand_component(capacity)
        found.append(
            resource(
                "Observation",
                f"{row.id}-capacity-{index}",
                row.created_at,
                extension=component["extension"],
                category=_exam(),
                code=component["code"],
                valueQuantity=value,
                **common,
            )
        )
    return found


def _copm(row: Assessment, common: dict[str, Any]) -> list[Resource]:
    items = row.copm or []
    if not items:
        return []
    means = [
        ("copm-performance", sum(i["performance"] for i in items) / len(items)),
        ("copm-satisfaction", sum(i["satisfaction"] for i in items) / len(items)),
    ]
    per_problem = [
        {
            "code": t.concept(
                t.coding(t.RTW_OBSERVATION, code, t.OBSERVATION_DISPLAY[code]), text=f"{label}: {item['problem']}"
            ),
            "valueInteger": item[key],
        }
        for item in items
        for code, label, key in (
            ("copm-performance", "Performance", "performance"),
            ("copm-satisfaction", "Satisfaction", "satisfaction"),
        )
    ]
    return [
        resource(
            "Observation",
            f"{row.id}-copm",
            row.created_at,
            category=[t.concept(t.coding(t.OBSERVATION_CATEGORY, "survey", "Survey"))],
            code=t.rtw(t.RTW_OBSERVATION, "copm"),
            component=[
                *(
                    {"code": t.rtw(t.RTW_OBSERVATION, code), "valueQuantity": t.quantity(mean, t.SCORE)}
                    for code, mean in means
                ),
                *per_problem,
            ],
            **common,
        )
    ]


def consents(case: Case, view: RoleView, history: list[ConsentChange]) -> list[Resource]:
    """The worker's two consents, each where it stands: permit (granted) or deny (withdrawn), to whom, since when."""
    if not view.shows(F.CONSENTS):
        return []
    latest = {change.consent: change for change in history}
    return [_consent(case, name, latest.get(name)) for name in CONSENTS]


def _consent(case: Case, name: str, change: ConsentChange | None) -> Resource:
    party, column, what = CONSENTS[name]
    granted = bool(getattr(case, name))
    changed_at: datetime = change.changed_at if change else case.created_at
    return resource(
        "Consent",
        f"{case.id}-{party}",
        changed_at,
        status="active" if granted else "inactive",
        scope=t.concept(t.coding(t.CONSENT_SCOPE, "patient-privacy", "Privacy Consent")),
        category=[t.loinc("59284-0", "Patient Consent")],
        patient=subject(case),
        dateTime=changed_at.isoformat(),
        organization=[reference("Organization", case.clinic_org_id)],
        sourceAttachment={"title": change.evidence} if change and change.evidence else None,
        policyRule=t.concept(t.coding(t.V3_ACT_CODE, "OPTIN", "opt-in"), text=f"{name}: RTW's worker consent"),
        provision={
            "type": "permit" if granted else "deny",
            "actor": [
                {
                    "role": t.concept(t.coding(t.V3_PARTICIPATION_TYPE, "IRCP", "information recipient")),
                    "reference": reference("Organization", getattr(case, column)),
                }
            ],
            "action": [
                t.concept(t.coding("http://terminology.hl7.org/CodeSystem/consentaction", "disclose", "Disclose"))
            ],
            "code": [t.concept(text=f"Share with the {party}: {what}")],
        },
    )
