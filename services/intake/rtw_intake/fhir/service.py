"""Intake's FHIR use cases: a case's resources as the caller may see them (by type, by id), and the pages
of the insurer's export of every case changed since a time. Nothing here writes."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from rtw_shared import access
from rtw_shared.access import Part
from rtw_shared.auth import Principal
from rtw_shared.errors import ProblemError, UnprocessableError
from rtw_shared.fhir.bundle import PAGE_NOT_LINKED
from rtw_shared.fhir.resources import Resource
from rtw_shared.role_view import role_view
from rtw_shared.uow import UnitOfWork

from ..cases import repository as cases
from ..cases import service as case_service
from ..cases.models import Case
from . import mapping, repository

# The resource types intake serves, in the order a case's Bundle lists them.
TYPES = ("Patient", "Organization", "Coverage", "Condition", "Observation", "Consent")
UUID_LENGTH = 36


def visible_case(uow: UnitOfWork, principal: Principal, case_id: uuid.UUID) -> Case | None:
    """The case, if the caller may see it at all (noted for the audit row); None otherwise."""
    case = cases.get(uow.session, case_id)
    return case if access.visible(principal, case, Part.CASE) else None


def resources_of(uow: UnitOfWork, principal: Principal, case: Case) -> list[Resource]:
    """Every resource intake holds of `case`, as the caller's role view shows it."""
    view = role_view(principal, case)
    found = [mapping.patient(case, view)]
    named = mapping.organizations_named(case, view)
    found += [mapping.organization(org) for org in repository.organisations(uow.session, named)]
    found += mapping.coverage(case, view) + mapping.conditions(case, view)
    found += mapping.job(case, view) + mapping.employment_status(case, view)
    if view.shows(mapping.F.ASSESSMENTS) or view.shows(mapping.F.ASSESSMENT_SUMMARY):
        found += mapping.assessments(case, view, cases.assessments_of(uow.session, case.id))
    if view.shows(mapping.F.CONSENTS):
        found += mapping.consents(case, view, cases.consent_history(uow.session, case.id))
    return found


def search(resource_type: str) -> Callable[[UnitOfWork, Principal, uuid.UUID], list[Resource]]:
    """The search of `resource_type` by case."""

    def of_case(uow: UnitOfWork, principal: Principal, case_id: uuid.UUID) -> list[Resource]:
        case = visible_case(uow, principal, case_id)
        if case is None:
            return []
        return [r for r in resources_of(uow, principal, case) if r["resourceType"] == resource_type]

    return of_case


def read(resource_type: str) -> Callable[[UnitOfWork, Principal, str], Resource | None]:
    """The read of `resource_type` by id: the resource of its case as the caller may see it, else None."""

    def by_id(uow: UnitOfWork, principal: Principal, resource_id: str) -> Resource | None:
        if resource_type == "Organization":
            return next((mapping.organization(o) for o in repository.organisations(uow.session, [resource_id])), None)
        case_id = _case_of(uow, resource_id)
        case = visible_case(uow, principal, case_id) if case_id else None
        if case is None:
            return None
        found = resources_of(uow, principal, case)
        return next((r for r in found if r["resourceType"] == resource_type and r["id"] == resource_id), None)

    return by_id


def _case_of(uow: UnitOfWork, resource_id: str) -> uuid.UUID | None:
    """The case a resource id names: a case's id leads every id but an assessment's observations' (theirs
    lead with the assessment's)."""
    try:
        leading = uuid.UUID(resource_id[:UUID_LENGTH])
    except ValueError:
        return None
    if cases.has_case(uow.session, leading):
        return leading
    assessment = repository.assessment(uow.session, leading)
    return assessment.case_id if assessment else None


def changed_cases(
    uow: UnitOfWork, principal: Principal, *, since: datetime | None, count: int, page: str | None
) -> tuple[list[Case], str | None]:
    """One page of the cases the caller may see that changed since `since`, and the next page's cursor (400
    naming `_page`, the FHIR API's parameter, for a page it did not link to)."""
    try:
        return case_service.list_visible_cases(
            uow=uow, principal=principal, status=None, updated_since=since, cursor=page, limit=count
        )
    except UnprocessableError as error:
        raise ProblemError(PAGE_NOT_LINKED, field="_page") from error
