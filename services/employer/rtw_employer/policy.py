"""Who may do what to which accommodation request — employer's one place for authorization.

Role decides the action (403 when wrong); organisation decides the object: a request outside
the caller's organisation is reported as not found (404), so its existence is not revealed.
The employer is matched against the request itself; therapist and insurer against the case
copy, so without one (intake's events not here yet) they match nothing."""

from __future__ import annotations

from sqlalchemy.orm import InstrumentedAttribute

from rtw_shared.auth import Principal

from .accommodations.models import AccommodationRequest
from .accommodations.schemas import AccommodationStatusView, AccommodationView
from .cases.models import CaseCopy

# Which organisation column a role is matched against.
TENANT_COLUMN: dict[str, InstrumentedAttribute] = {
    "employer": AccommodationRequest.employer_org_id,
    "therapist": CaseCopy.clinic_org_id,
    "insurer": CaseCopy.insurer_org_id,
}
# The therapist reads what the employer reads (read only); the insurer, where it stands.
VIEW_FOR_ROLE = {"employer": AccommodationView, "therapist": AccommodationView, "insurer": AccommodationStatusView}
DECIDERS = frozenset({"employer"})


def reading_role(principal: Principal) -> str | None:
    """The role the caller reads requests as (None: the role reads none)."""
    for role in sorted(principal.roles):
        if role in VIEW_FOR_ROLE:
            return role
    return None


def tenant_column(principal: Principal) -> InstrumentedAttribute | None:
    role = reading_role(principal)
    return TENANT_COLUMN[role] if role else None


def view_model(principal: Principal) -> type[AccommodationView] | type[AccommodationStatusView] | None:
    role = reading_role(principal)
    return VIEW_FOR_ROLE[role] if role else None


def can_see(principal: Principal, request: AccommodationRequest, case: CaseCopy | None) -> bool:
    column = tenant_column(principal)
    if column is None:
        return False
    owner = request if column.class_ is AccommodationRequest else case
    return owner is not None and getattr(owner, column.key) == principal.org_id


def can_decide(principal: Principal, request: AccommodationRequest) -> bool:
    """Only the request's own employer decides; the caller's role was checked at the door."""
    return principal.has_role(*DECIDERS) and request.employer_org_id == principal.org_id
