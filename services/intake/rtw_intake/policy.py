"""Who may do what to which case — intake's one place for authorization.

Role decides the action (403 when wrong); organisation decides the object: a case outside the
caller's organisation is reported as not found (404), so its existence is not revealed."""

from __future__ import annotations

from rtw_shared.auth import Principal

from .cases.models import Case
from .cases.schemas import CaseEmployerView, CaseInsurerView, CaseTherapistView

# Which of a case's organisations a role is matched against.
TENANT_FIELD = {"therapist": "clinic_org_id", "employer": "employer_org_id", "insurer": "insurer_org_id"}
VIEW_FOR_ROLE = {"therapist": CaseTherapistView, "employer": CaseEmployerView, "insurer": CaseInsurerView}
READERS = frozenset(VIEW_FOR_ROLE)
STATUS_READERS = frozenset({"therapist", "insurer"})


def tenant_field(principal: Principal) -> str | None:
    """The case column holding the caller's organisation (None: the role reads no cases)."""
    for role in sorted(principal.roles):
        if role in TENANT_FIELD:
            return TENANT_FIELD[role]
    return None


def can_see(principal: Principal, case: Case) -> bool:
    field = tenant_field(principal)
    return field is not None and getattr(case, field) == principal.org_id


def view_model(principal: Principal):
    for role in sorted(principal.roles):
        if role in VIEW_FOR_ROLE:
            return VIEW_FOR_ROLE[role]
    return None
