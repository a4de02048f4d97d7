"""Each role's view of an accommodation request: the role picks the read model, policy decides which
parts of it (the worker's identity, their restrictions) the worker's consents let through. The API
and the portal both answer through `present`."""

from __future__ import annotations

from rtw_shared.auth import Principal
from rtw_shared.role_view import role_view

from .. import policy
from ..cases.models import CaseCopy
from .models import AccommodationRequest
from .schemas import AccommodationStatusView, AccommodationView

# The therapist reads what the employer reads (read only); the insurer, where it stands.
VIEW_FOR_ROLE = {"employer": AccommodationView, "therapist": AccommodationView, "insurer": AccommodationStatusView}


def view_model(principal: Principal) -> type[AccommodationView] | type[AccommodationStatusView] | None:
    """The read model of the caller's role (None: the role reads no requests)."""
    role = policy.reading_role(principal)
    return VIEW_FOR_ROLE[role] if role else None


def present(principal: Principal, request: AccommodationRequest, case: CaseCopy | None, view=None):
    """`request` in `view` (default: the caller's role's read model), showing what the caller's role view
    of its case holds (rtw_shared.role_view). The API and the portal both answer through this."""
    view = view or view_model(principal)
    return view.of(
        request,
        case,
        role_view(principal, policy.parties_of(request, case)),
        shared=policy.shared_with_employer(request, case),
    )
