"""Employer's FHIR use cases: a case's accommodation requests as Tasks, as the caller may see them (by case,
by id). Nothing here writes."""

from __future__ import annotations

import uuid

from rtw_shared.auth import Principal
from rtw_shared.fhir.resources import Resource
from rtw_shared.role_view import role_view
from rtw_shared.uow import UnitOfWork

from .. import policy
from ..accommodations import repository as accommodations
from ..accommodations.models import AccommodationRequest
from ..cases import repository as cases
from ..cases.models import CaseCopy
from . import mapping, repository


def _shown(principal: Principal, request: AccommodationRequest, case: CaseCopy | None) -> Resource | None:
    if not policy.can_see(principal, request, case):  # noted for the audit row when it may
        return None
    return mapping.task(request, role_view(principal, policy.parties_of(request, case)))


def tasks_of_case(uow: UnitOfWork, principal: Principal, case_id: uuid.UUID) -> list[Resource]:
    """The case's requests the caller may see, as Tasks."""
    case = cases.get(uow.session, case_id)
    found = (_shown(principal, r, case) for r in repository.requests_of_case(uow.session, case_id))
    return [task for task in found if task is not None]


def task(uow: UnitOfWork, principal: Principal, resource_id: str) -> Resource | None:
    """One request as a Task, if the caller may see it."""
    try:
        request = accommodations.get(uow.session, uuid.UUID(resource_id))
    except ValueError:
        return None
    if request is None:
        return None
    return _shown(principal, request, cases.get(uow.session, request.case_id))
