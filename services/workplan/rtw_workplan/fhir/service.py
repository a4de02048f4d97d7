"""Workplan's FHIR use cases: a case's plan versions, goals and observations as the caller may see them (by
type, by id). Nothing here writes."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from rtw_shared.auth import Principal
from rtw_shared.fhir.resources import Resource
from rtw_shared.role_view import role_view
from rtw_shared.uow import UnitOfWork

from .. import policy
from ..cases import repository as cases
from ..plans import repository as plans
from ..progress import repository as progress
from . import mapping, repository

TYPES = ("CarePlan", "Goal", "Observation")
UUID_LENGTH = 36


def resources_of(uow: UnitOfWork, principal: Principal, case_id: uuid.UUID, resource_type: str) -> list[Resource]:
    """The case's resources of `resource_type` as the caller's role view shows them ([] when it may see none)."""
    case = cases.get(uow.session, case_id)
    if not policy.visible(principal, case):  # noted for the audit row when it may
        return []
    view = role_view(principal, case)
    versions = repository.plans_of_case(uow.session, case_id)
    if resource_type == "CarePlan":
        return [mapping.care_plan(plan, view) for plan in versions]
    if resource_type == "Goal":
        return [goal for plan in versions for goal in mapping.goals(plan, view)]
    return mapping.session_observations(
        case_id, progress.sessions_of_case(uow.session, case_id), view
    ) + mapping.review_observations(case_id, progress.reviews_of_case(uow.session, case_id), view)


def search(resource_type: str) -> Callable[[UnitOfWork, Principal, uuid.UUID], list[Resource]]:
    """The search of `resource_type` by case."""

    def of_case(uow: UnitOfWork, principal: Principal, case_id: uuid.UUID) -> list[Resource]:
        return resources_of(uow, principal, case_id, resource_type)

    return of_case


def read(resource_type: str) -> Callable[[UnitOfWork, Principal, str], Resource | None]:
    """The read of `resource_type` by id: the resource of its case as the caller may see it, else None."""

    def by_id(uow: UnitOfWork, principal: Principal, resource_id: str) -> Resource | None:
        case_id = _case_of(uow, resource_type, resource_id)
        if case_id is None:
            return None
        found = resources_of(uow, principal, case_id, resource_type)
        return next((r for r in found if r["id"] == resource_id), None)

    return by_id


def _case_of(uow: UnitOfWork, resource_type: str, resource_id: str) -> uuid.UUID | None:
    """The case a resource id names: a plan's (CarePlan), a goal's plan version's (`<goal>-v<n>`), a session's
    or a review's (Observation)."""
    try:
        leading = uuid.UUID(resource_id[:UUID_LENGTH])
    except ValueError:
        return None
    rest = resource_id[UUID_LENGTH:]
    if resource_type == "CarePlan":
        plan = plans.get(uow.session, leading) if not rest else None
        return plan.case_id if plan else None
    if resource_type == "Goal":
        version = rest.removeprefix("-v")
        return repository.case_of_goal(uow.session, leading, int(version)) if version.isdigit() else None
    if not rest:
        treatment = progress.get_session(uow.session, leading)
        return treatment.case_id if treatment else None
    review = repository.review(uow.session, leading)
    return review.case_id if review else None
