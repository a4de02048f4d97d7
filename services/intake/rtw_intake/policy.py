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
STATUS_READERS = frozenset({"therapist", "insurer"})
TIMELINE_READERS = frozenset({"therapist", "insurer"})


def tenant_field(principal: Principal) -> str | None:
    """The case column holding the caller's organisation (None: the role reads no cases)."""
    for role in sorted(principal.roles):
        if role in TENANT_FIELD:
            return TENANT_FIELD[role]
    return None


def can_see(principal: Principal, case: Case) -> bool:
    field = tenant_field(principal)
    if field is None or getattr(case, field) != principal.org_id:
        return False
    # Without the worker's consent the insurer's organisation is not entitled to the case at all.
    if field == "insurer_org_id":
        return bool((case.consents or {}).get("share_status_with_insurer", True))
    return True


def view_model(principal: Principal):
    for role in sorted(principal.roles):
        if role in VIEW_FOR_ROLE:
            return VIEW_FOR_ROLE[role]
    return None


def may_read_status(principal: Principal) -> bool:
    return principal.has_role(*STATUS_READERS)


def may_read_timeline(principal: Principal) -> bool:
    return principal.has_role(*TIMELINE_READERS)
