"""Which fields of a case a reader gets — the one decision every representation is rendered from.

`rtw_shared.access` decides which *parts* of a case a reader's organisation may see, with the
worker's consents (docs/domain/access.md). Within a part the product's table narrows some fields per
role: an employer knows the worker's name and job title, an insurer the name, date of birth and
claim number; an insurer reads assessments and progress as summary numbers, and a request for
accommodations as its status. `FIELDS` names each such field once, with the part it belongs to and
the roles it is for, and `role_view(reader, case)` is the one function that says which of them a
reader gets of a case now.

Every format renders from that view and only from it: the JSON read models, the progress chart
(SVG), the employer portal's pages (HTML), webhook payloads and emails. A renderer maps its own keys
to these field names (`RoleView.cut`) rather than deciding anything itself, so a new format — FHIR
resources, a PDF — maps the same names and inherits the same decision."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from . import access
from .access import Part
from .auth import Principal


class Field(StrEnum):
    """A fact about a case that some readers get and others do not."""

    REFERENCE = "case.reference"  # that the case exists: reference, status, dates
    CARE_TEAM = "case.care_team"  # the case's clinic and assigned therapist
    CONSENTS = "case.consents"  # the worker's consents and their history
    WORKER_NAME = "worker.name"
    DATE_OF_BIRTH = "worker.date_of_birth"
    WORKER_CONTACT = "worker.contact"  # contact and preferred language
    CLAIM_NUMBER = "claim.claim_number"
    JOB_TITLE = "employment.job_title"  # with the employer and the usual hours and days
    JOB_DEMANDS = "employment.demands"  # essential functions and their demands, O*NET-SOC code, DOT level
    DIAGNOSIS = "claim.diagnosis"  # diagnosis codes, body parts, mechanism
    ASSESSMENTS = "assessments.detail"  # each assessment, pain scores, session notes
    ASSESSMENT_SUMMARY = "assessments.summary"  # counts and latest numbers
    CAPACITY_SERIES = "progress.capacity_series"  # each dated capacity measurement
    RECOMMENDATIONS = "progress.recommendations"  # advance, hold or regress per activity, and why
    PROGRESS = "progress.summary"  # adherence, dosage, capacity now, readiness, GAS, COPM
    PLAN_DETAIL = "plan.detail"  # goals (GAS rows, weights), phases and activities, the baseline
    RESTRICTIONS = "restrictions"
    SCHEDULE = "schedule"  # the graduated return-to-work schedule
    JOB_MATCH = "job_match"
    ACCOMMODATION_STATUS = "accommodation.status"  # where a request stands: status, due date, decision
    ACCOMMODATION_DETAIL = "accommodation.detail"  # what is asked, counter-offers, attestations
    COST = "cost"


@dataclass(frozen=True)
class Reveal:
    """A field belongs to `part` of the case; only `roles` get it (None: every role that sees the part)."""

    part: Part
    roles: frozenset[str] | None = None


THERAPIST = frozenset({"therapist"})
NOT_EMPLOYER = frozenset({"therapist", "insurer"})
NOT_INSURER = frozenset({"therapist", "employer"})

# The product spec's "Who may see what", field by field (docs/domain/access.md).
FIELDS: dict[Field, Reveal] = {
    Field.REFERENCE: Reveal(Part.CASE),
    Field.CARE_TEAM: Reveal(Part.CASE, THERAPIST),
    Field.CONSENTS: Reveal(Part.CASE, THERAPIST),
    Field.WORKER_NAME: Reveal(Part.IDENTITY),
    Field.DATE_OF_BIRTH: Reveal(Part.IDENTITY, NOT_EMPLOYER),
    Field.WORKER_CONTACT: Reveal(Part.IDENTITY, THERAPIST),
    Field.CLAIM_NUMBER: Reveal(Part.IDENTITY, NOT_EMPLOYER),
    Field.JOB_TITLE: Reveal(Part.IDENTITY, NOT_INSURER),
    Field.JOB_DEMANDS: Reveal(Part.IDENTITY, THERAPIST),
    Field.DIAGNOSIS: Reveal(Part.CLINICAL, NOT_EMPLOYER),
    Field.ASSESSMENTS: Reveal(Part.CLINICAL, THERAPIST),
    Field.ASSESSMENT_SUMMARY: Reveal(Part.CLINICAL, NOT_EMPLOYER),
    # Measurements session by session, and recommendations that give pain as their reason, are
    # clinical detail: the insurer's summary numbers are where each demand stands now.
    Field.CAPACITY_SERIES: Reveal(Part.CLINICAL, THERAPIST),
    Field.RECOMMENDATIONS: Reveal(Part.CLINICAL, THERAPIST),
    Field.PROGRESS: Reveal(Part.PROGRESS),
    # The insurer's plan is its schedule, restrictions, dates and projections (docs/domain/plans.md).
    Field.PLAN_DETAIL: Reveal(Part.PROGRESS, THERAPIST),
    Field.RESTRICTIONS: Reveal(Part.RESTRICTIONS),
    Field.SCHEDULE: Reveal(Part.RESTRICTIONS),
    Field.JOB_MATCH: Reveal(Part.RESTRICTIONS),
    Field.ACCOMMODATION_STATUS: Reveal(Part.ACCOMMODATION),
    Field.ACCOMMODATION_DETAIL: Reveal(Part.ACCOMMODATION, NOT_INSURER),
    Field.COST: Reveal(Part.COST),
}
# A renderer's key mapped to ALWAYS is kept for every reader of the resource: ids that say which
# thing it is about and nothing about the worker.
ALWAYS = None


@dataclass(frozen=True)
class RoleView:
    """What one reader gets of one case, now."""

    role: str | None
    fields: frozenset[Field]

    def shows(self, *fields: Field) -> bool:
        """Whether the reader gets every one of `fields`."""
        return all(field in self.fields for field in fields)

    def cut(self, data: Mapping[str, object], field_of: Mapping[str, Field | None]) -> dict[str, object]:
        """`data` without what the reader does not get: a key is kept when `field_of` maps it to a field
        the view shows, or to ALWAYS; a key `field_of` does not name is dropped (nobody ruled on it yet)."""
        return {
            key: value
            for key, value in data.items()
            if key in field_of and (field_of[key] is ALWAYS or field_of[key] in self.fields)
        }


NOTHING = RoleView(role=None, fields=frozenset())


def role_view(reader: Principal, case: object) -> RoleView:
    """The fields of `case` (anything with CaseParties' attributes; None: not heard of) that `reader` gets now."""
    role = access.reading_role(reader)
    if role is None or case is None:
        return NOTHING
    shown = frozenset(
        field
        for field, reveal in FIELDS.items()
        if (reveal.roles is None or role in reveal.roles) and access.may_see(reader, case, reveal.part)
    )
    return RoleView(role=role, fields=shown)


def fields_of_role(role: str) -> frozenset[Field]:
    """Every field `role` gets of a case of its own organisation whose worker consents to everything."""
    parts = access.PARTS_OF_ROLE.get(role, frozenset())
    return frozenset(
        field
        for field, reveal in FIELDS.items()
        if reveal.part in parts and (reveal.roles is None or role in reveal.roles)
    )
