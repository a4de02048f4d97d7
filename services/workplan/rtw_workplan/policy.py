"""Who may do what to which plan — workplan's one place for authorization.

Role decides the action (403 when wrong): therapists read and edit plans, insurers read their own
view, employers and admins read no plans (employers get what they need as accommodation requests).
Whether the caller may see a particular plan is the shared decision on its case
(rtw_shared.access, Part.PROGRESS): a therapist of the case's clinic; the case's insurer only while
the worker shares their status with it. A plan the caller may not see is not found (404), so its
existence is not revealed.

It sits beneath every concept package and imports none of them: a plan is anything with a `case`
that rtw_shared.access can read, and each reading role's read model is chosen by plans.schemas."""

from __future__ import annotations

import uuid
from typing import Protocol, TypeVar

from rtw_shared import access
from rtw_shared.access import Part
from rtw_shared.auth import Principal
from rtw_shared.errors import ForbiddenError, NotFoundError

# A plan is the case's progress: the plan itself, its schedule and its projections.
PLAN_PART = Part.PROGRESS
# The roles that read plans and their progress, each in its own read model (plans.schemas.VIEW_FOR_ROLE).
PLAN_READERS = frozenset({"therapist", "insurer"})
EDITORS = frozenset({"therapist"})
# Session logs hold pain, effort and notes: the therapist's alone (the insurer reads the progress summary).
SESSION_READERS = frozenset({"therapist"})


class _OfACase(Protocol):
    @property
    def case(self) -> object: ...


PlanT = TypeVar("PlanT", bound=_OfACase)


def visible(principal: Principal, case: object | None) -> bool:
    """Whether the caller may see the plans of `case` (and, when so, the case goes into the audit row)."""
    shown: bool = access.visible(principal, case, PLAN_PART)
    return shown


def readable(principal: Principal, plan: PlanT | None, plan_id: uuid.UUID) -> PlanT:
    """The plan, when the caller may see its case's plans; 404 otherwise (existence not revealed)."""
    if plan is None or not visible(principal, plan.case):
        raise NotFoundError(f"plan {plan_id} not found")
    return plan


def editable(principal: Principal, plan: PlanT | None, plan_id: uuid.UUID) -> PlanT:
    """The plan, when the caller is an editor who may see its case's plans (a therapist of its clinic);
    404 otherwise. The role itself is checked by the endpoint (403)."""
    if plan is None or not (principal.has_role(*EDITORS) and visible(principal, plan.case)):
        raise NotFoundError(f"plan {plan_id} not found")
    return plan


def reading_role(principal: Principal) -> str:
    """The role the caller reads plans and progress as; 403 for a role that reads neither."""
    role: str | None = access.reading_role(principal)
    if role is None or role not in PLAN_READERS:
        raise ForbiddenError("your role does not read plans or their progress")
    return role


def require_session_reader(principal: Principal) -> None:
    """403 unless the caller's role reads session logs (therapists)."""
    if not principal.has_role(*SESSION_READERS):
        raise ForbiddenError("session logs hold clinical detail: only the case's therapists read them")
