"""Each role's view of an accommodation request: the role picks the read model, policy decides which
parts of it (the worker's identity, their restrictions) the worker's consents let through. The API
and the portal both answer through `present`."""

from __future__ import annotations

from typing import TypeVar

from rtw_shared.auth import Principal
from rtw_shared.errors import ForbiddenError
from rtw_shared.role_view import role_view

from .. import policy
from ..cases.models import CaseCopy
from .models import AccommodationRequest
from .schemas import AccommodationStatusView, AccommodationView

ReadModel = type[AccommodationView] | type[AccommodationStatusView]
View = TypeVar("View", AccommodationView, AccommodationStatusView)

# The therapist reads what the employer reads (read only); the insurer, where it stands.
VIEW_FOR_ROLE: dict[str, ReadModel] = {
    "employer": AccommodationView,
    "therapist": AccommodationView,
    "insurer": AccommodationStatusView,
}


def view_model(principal: Principal) -> ReadModel | None:
    """The read model of the caller's role (None: the role reads no requests)."""
    role = policy.reading_role(principal)
    return VIEW_FOR_ROLE[role] if role else None


def require_view_model(principal: Principal) -> ReadModel:
    """The read model of the caller's role; 403 for a role that reads no requests."""
    view = view_model(principal)
    if view is None:
        raise ForbiddenError("your role does not read accommodation requests")
    return view


def present(
    principal: Principal, request: AccommodationRequest, case: CaseCopy | None
) -> AccommodationView | AccommodationStatusView:
    """`request` in the caller's role's read model (403 for a role that reads none). The API and the
    portal both answer through this."""
    if require_view_model(principal) is AccommodationStatusView:
        return present_as(AccommodationStatusView, principal, request, case)
    return present_as(AccommodationView, principal, request, case)


def present_as(view: type[View], principal: Principal, request: AccommodationRequest, case: CaseCopy | None) -> View:
    """`request` in `view`, showing what the caller's role view of its case holds (rtw_shared.role_view)."""
    return view.of(
        request,
        case,
        role_view(principal, policy.parties_of(request, case)),
        shared=policy.shared_with_employer(request, case),
    )
