"""Who may do what to which accommodation request — employer's one place for authorization.

Role decides the action (403 when wrong): therapists, employers and insurers read requests, each
in their own read model; only the employer decides. Which requests, and which parts of them, a
caller's organisation may see is the shared decision (rtw_shared.access, docs/domain/access.md),
asked of the request's case copy. Before intake's events have reached employer there is no copy:
the request then stands for its case as far as it knows — addressed to its employer, clinic and
insurer unknown, consents unknown and so not shared — and only that employer sees it, without the
worker's name or restrictions.

It sits beneath every concept package and imports none of them: it decides on any request and
case copy with the attributes it reads, and each reading role's read model is chosen in
accommodations.views."""

from __future__ import annotations

import uuid
from typing import Protocol

from rtw_shared import access
from rtw_shared.access import CaseParties, Part
from rtw_shared.auth import Principal

# The roles that read requests, each in its own read model (accommodations.views.VIEW_FOR_ROLE).
READERS = frozenset({"employer", "therapist", "insurer"})
DECIDERS = ("employer",)


class RequestLike(Protocol):
    """What policy reads of an accommodation request (accommodations.models.AccommodationRequest)."""

    @property
    def case_id(self) -> uuid.UUID: ...
    @property
    def employer_org_id(self) -> str: ...


def reading_role(principal: Principal) -> str | None:
    """The role the caller reads requests as (None: the role reads none, e.g. admin)."""
    role = access.reading_role(principal)
    return role if role in READERS else None


def parties_of(request: RequestLike, case: object | None) -> object:
    """What access decides on (anything with CaseParties' attributes): the case copy, or what the request
    itself says of its case (`case` is the request's case copy or None, here and below)."""
    if case is not None:
        return case
    return CaseParties(
        case_id=request.case_id, clinic_org_id=None, employer_org_id=request.employer_org_id, insurer_org_id=None
    )


def can_see(principal: Principal, request: RequestLike, case: object | None) -> bool:
    """Whether the caller may see the request at all (noted for the audit row when it may)."""
    return access.visible(principal, parties_of(request, case), Part.ACCOMMODATION)


def shared_with_employer(request: RequestLike, case: object | None) -> bool:
    """Whether the request's employer may see who the worker is and their restrictions (the worker's
    consent, as rtw_shared.access decides it); not known = no."""
    parties = parties_of(request, case)
    return access.may_see(access.party(parties, "employer"), parties, Part.RESTRICTIONS)


def can_decide(principal: Principal, request: RequestLike) -> bool:
    """Only the employer the request is addressed to decides; the caller's role was checked at the door."""
    return principal.has_role(*DECIDERS) and request.employer_org_id == principal.org_id
