"""Who may do what to which plan — workplan's one place for authorization.

Role decides the action (403 when wrong): therapists read and edit plans, insurers read their own
view, employers and admins read no plans (employers get what they need as accommodation requests).
Whether the caller may see a particular plan is the shared decision on its case
(rtw_shared.access, Part.PROGRESS): a therapist of the case's clinic; the case's insurer only while
the worker shares their status with it. A plan the caller may not see is not found (404), so its
existence is not revealed."""

from __future__ import annotations

import uuid

from rtw_shared import access
from rtw_shared.access import Part
from rtw_shared.auth import Principal
from rtw_shared.errors import ForbiddenError, NotFoundError

from .cases.models import CaseCopy
from .plans.models import Plan
from .plans.schemas import PlanInsurerView, PlanTherapistView

# A plan is the case's progress: the plan itself, its schedule and its projections.
PLAN_PART = Part.PROGRESS
PlanReadModel = type[PlanTherapistView] | type[PlanInsurerView]
VIEW_FOR_ROLE: dict[str, PlanReadModel] = {"therapist": PlanTherapistView, "insurer": PlanInsurerView}
EDITORS = frozenset({"therapist"})
# Session logs hold pain, effort and notes: the therapist's alone (the insurer reads the progress summary).
SESSION_READERS = frozenset({"therapist"})


def view_model(principal: Principal) -> PlanReadModel | None:
    """The read model of the caller's role (None: the role reads no plans, 403)."""
    role = access.reading_role(principal)
    return VIEW_FOR_ROLE.get(role) if role else None


def visible(principal: Principal, case: CaseCopy | None) -> bool:
    """Whether the caller may see the plans of `case` (and, when so, the case goes into the audit row)."""
    return access.visible(principal, case, PLAN_PART)


def readable(principal: Principal, plan: Plan | None, plan_id: uuid.UUID) -> Plan:
    """The plan, when the caller may see its case's plans; 404 otherwise (existence not revealed)."""
    if plan is None or not visible(principal, plan.case):
        raise NotFoundError(f"plan {plan_id} not found")
    return plan


def editable(principal: Principal, plan: Plan | None, plan_id: uuid.UUID) -> Plan:
    """The plan, when the caller is an editor who may see its case's plans (a therapist of its clinic);
    404 otherwise. The role itself is checked by the endpoint (403)."""
    if plan is None or not (principal.has_role(*EDITORS) and visible(principal, plan.case)):
        raise NotFoundError(f"plan {plan_id} not found")
    return plan


def reading_role(principal: Principal) -> str:
    """The role the caller reads plans and progress as; 403 for a role that reads neither."""
    if view_model(principal) is None:
        raise ForbiddenError("your role does not read plans or their progress")
    return access.reading_role(principal) or ""


def require_session_reader(principal: Principal) -> None:
    """403 unless the caller's role reads session logs (therapists)."""
    if not principal.has_role(*SESSION_READERS):
        raise ForbiddenError("session logs hold clinical detail: only the case's therapists read them")
