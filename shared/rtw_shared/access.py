"""The one decision every read path of every service goes through: may the organisation of this
caller see this part of this case? (docs/domain/access.md has the table in words.)

Role picks the organisation a case is matched against (a therapist its clinic, an employer its
employer, an insurer its insurer); the worker's consents narrow what the employer and the insurer
see; an administrator sees no case data at all. A case a caller may not see at all is reported
as not found (404), never as forbidden, so its existence is not revealed.

Every case a caller is allowed to see is noted for the audit row of the request, so a list read
records exactly which cases it returned."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ColumnElement, and_, false, true

from . import audit_context
from .auth import Principal
from .errors import NotFoundError


class Part(StrEnum):
    """The parts of a case the product spec's "Who may see what" table distinguishes."""

    CASE = "case"  # that it exists: reference, status, dates
    IDENTITY = "identity"  # who the worker is (each role's view narrows it further)
    CLINICAL = "clinical"  # diagnosis, mechanism, assessments (the insurer: summary numbers)
    RESTRICTIONS = "restrictions"  # restrictions, job match, the graduated schedule
    PROGRESS = "progress"  # plan, adherence, GAS, COPM
    ACCOMMODATION = "accommodation"  # accommodation requests (the insurer: status only)
    COST = "cost"  # projected and actual cost


# Which of a case's organisations each role is matched against.
TENANT_OF_ROLE = {"therapist": "clinic_org_id", "employer": "employer_org_id", "insurer": "insurer_org_id"}

# What each role may see of a case of its own organisation, before consents.
PARTS_OF_ROLE: dict[str, frozenset[Part]] = {
    "therapist": frozenset(Part),
    "employer": frozenset({Part.CASE, Part.IDENTITY, Part.RESTRICTIONS, Part.ACCOMMODATION}),
    "insurer": frozenset(Part),  # identity, clinical and accommodation narrowed by its read models
}

# The consent each (role, part) needs. The insurer's consent gates the whole case; the employer's
# gates who the worker is and what they may not do, but not the request for accommodations itself.
CONSENT_NEEDED: dict[tuple[str, Part], str] = {
    **{("insurer", part): "share_status_with_insurer" for part in Part},
    ("employer", Part.IDENTITY): "share_restrictions_with_employer",
    ("employer", Part.RESTRICTIONS): "share_restrictions_with_employer",
}


@dataclass(frozen=True)
class CaseParties:
    """What every service knows of a case: its organisations and the worker's consents. A case copy
    (rtw_shared.case_copy) and intake's own case both provide these attributes."""

    case_id: uuid.UUID | None  # None: a case described by a snapshot alone (rtw_shared.case_copy.parties_of)
    clinic_org_id: str | None
    employer_org_id: str | None
    insurer_org_id: str | None
    share_restrictions_with_employer: bool = False
    share_status_with_insurer: bool = False


def reading_role(principal: Principal) -> str | None:
    """The role the caller reads cases as (None: a role that reads no case data, e.g. admin)."""
    return next((role for role in sorted(principal.roles) if role in TENANT_OF_ROLE), None)


def organisation(org_id: str, role: str, *, subject: str | None = None) -> Principal:
    """An organisation as a reader in `role`: what its webhook subscriptions and email contacts may be told."""
    return Principal(
        subject=subject or f"org:{role}:{org_id}", username=f"{org_id} ({role})", roles=frozenset({role}), org_id=org_id
    )


def party(case: object, role: str) -> Principal:
    """The organisation `case` names for `role` (its employer, its insurer, its clinic), as a reader."""
    return organisation(getattr(case, TENANT_OF_ROLE[role]) or "", role)


def may_see(principal: Principal, case: object, part: Part) -> bool:
    """Whether the caller's organisation may see `part` of `case` (anything with CaseParties' attributes).

    `case` None (this service has not heard of the case yet) is seen by no one: consents unknown
    means not shared."""
    role = reading_role(principal)
    if role is None or case is None or getattr(case, TENANT_OF_ROLE[role]) != principal.org_id:
        return False
    if part not in PARTS_OF_ROLE[role]:
        return False
    consent = CONSENT_NEEDED.get((role, part))
    return consent is None or bool(getattr(case, consent))


def sql_condition(principal: Principal, columns: object, part: Part = Part.CASE) -> ColumnElement[bool]:
    """`may_see` as a SQL condition on `columns` (a model or a table's `.c` with CaseParties' columns),
    for list queries that must page over visible rows only. Keep using `visible` on each row read."""
    role = reading_role(principal)
    if role is None or part not in PARTS_OF_ROLE[role]:
        return false()
    consent = CONSENT_NEEDED.get((role, part))
    return and_(
        getattr(columns, TENANT_OF_ROLE[role]) == principal.org_id,
        getattr(columns, consent).is_(True) if consent else true(),
    )


def visible(principal: Principal, case: object, part: Part = Part.CASE) -> bool:
    """`may_see`, and when it may, note the case for this request's audit row."""
    allowed = may_see(principal, case, part)
    if allowed:
        # A case copy's id is `case_id`; intake's own case's, `id`.
        audit_context.note_case(getattr(case, "case_id" if hasattr(case, "case_id") else "id"))
    return allowed


def require(principal: Principal, case: object, part: Part = Part.CASE, *, what: str) -> None:
    """404 naming `what` unless the caller may see `part` of `case` (existence not revealed)."""
    if not visible(principal, case, part):
        raise NotFoundError(f"{what} not found")
