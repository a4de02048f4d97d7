"""Who may do what to which plan — workplan's one place for authorization.

Role decides the action (403 when wrong); organisation decides the object: a plan outside the
caller's organisation is reported as not found (404), so its existence is not revealed.
Therapists of the plan's clinic read and edit it; the plan's insurer reads its own view;
employers and admins read no plans (employers get what they need as accommodation requests)."""

from __future__ import annotations

from rtw_shared.auth import Principal

from .plans.models import Plan
from .plans.schemas import PlanInsurerView, PlanTherapistView

# Which of a plan's organisations a role is matched against.
TENANT_FIELD = {"therapist": "clinic_org_id", "insurer": "insurer_org_id"}
VIEW_FOR_ROLE = {"therapist": PlanTherapistView, "insurer": PlanInsurerView}
EDITORS = frozenset({"therapist"})


def _role(principal: Principal) -> str | None:
    """The caller's role that reads plans (None: the role reads no plans)."""
    return next((role for role in sorted(principal.roles) if role in TENANT_FIELD), None)


def tenant_field(principal: Principal) -> str | None:
    """The plan column holding the caller's organisation (None: the role reads no plans)."""
    role = _role(principal)
    return TENANT_FIELD[role] if role else None


def can_see(principal: Principal, plan: Plan) -> bool:
    """The plan belongs to the caller's organisation, in the role the caller reads plans as."""
    field = tenant_field(principal)
    return field is not None and getattr(plan, field) == principal.org_id


def can_edit(principal: Principal, plan: Plan) -> bool:
    """A therapist of the plan's clinic (the role itself is checked by the endpoint: 403)."""
    return principal.has_role(*EDITORS) and plan.clinic_org_id == principal.org_id


def view_model(principal: Principal) -> type[PlanTherapistView] | type[PlanInsurerView] | None:
    """The read model of the caller's role (None: the role reads no plans, 403)."""
    role = _role(principal)
    return VIEW_FOR_ROLE[role] if role else None
