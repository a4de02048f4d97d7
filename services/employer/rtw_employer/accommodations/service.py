"""Accommodation use cases. Each takes a Unit of Work and commits it at most once."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any

from rtw_shared.auth import Principal
from rtw_shared.concurrency import check_if_match
from rtw_shared.errors import ConflictError, NotFoundError
from rtw_shared.events import AccommodationDecidedV1
from rtw_shared.events.catalogue import CounterOffer  # not in the package's __all__ yet
from rtw_shared.pagination import decode_cursor, page
from rtw_shared.uow import UnitOfWork

from .. import policy
from ..cases.models import CaseCopy
from . import expiry, repository, weeks
from .agreement import requested_start
from .attestation import attest, attest_agreement
from .handlers import REQUESTED, WITHDRAWN
from .models import AccommodationRequest
from .schemas import CounterProposal, DecisionIn

Visible = tuple[AccommodationRequest, CaseCopy | None]
COUNTERED, CONFIRMED = "countered", "confirmed"


def get_visible_request(
    *, uow: UnitOfWork, principal: Principal, request_id: uuid.UUID, for_update: bool = False
) -> Visible:
    """The request and its case copy if the caller may see them; 404 otherwise (existence not revealed)."""
    request = repository.get(uow.session, request_id, for_update=for_update)
    case = repository.case_copy(uow.session, request.case_id) if request else None
    if request is None or not policy.can_see(principal, request, case):
        raise NotFoundError(f"accommodation request {request_id} not found")
    return request, case


def list_visible_requests(
    *,
    uow: UnitOfWork,
    principal: Principal,
    status: str | Collection[str] | None,
    cursor: str | None,
    limit: int,
    case_id: uuid.UUID | None = None,
) -> tuple[list[Visible], str | None]:
    """One page of the requests the caller may see (one case's, if given), and the cursor of the next page."""
    if policy.reading_role(principal) is None:
        return [], None
    rows = repository.list_visible(
        uow.session, principal=principal, status=status, after=decode_cursor(cursor), limit=limit + 1, case_id=case_id
    )
    rows, next_cursor = page(rows, limit, key=lambda row: (row[0].updated_at, row[0].id))
    # The SQL filter made the page; the shared decision admits (and audits) each row of it.
    return [(request, case) for request, case in rows if policy.can_see(principal, request, case)], next_cursor


def decide(
    *, uow: UnitOfWork, principal: Principal, request_id: uuid.UUID, data: DecisionIn, if_match: str | None = None
) -> Visible:
    """Record the employer's answer with an attestation of what it answered, and announce it."""
    request, case = get_visible_request(uow=uow, principal=principal, request_id=request_id, for_update=True)
    if not policy.can_decide(principal, request):
        raise NotFoundError(f"accommodation request {request_id} not found")
    check_if_match(if_match, request.version, what=f"accommodation request {request_id}")
    _require_undecided(request)
    request.status, request.note = data.decision, data.note
    request.counter = _counter_as_kept(request, data.counter) if data.counter else None
    request.decided_by, request.decided_by_username = principal.subject, principal.username
    request.decided_at = uow.now()
    request.attestation_sha256 = attest(request)
    expiry.cancel_expiry(uow, request.id)
    uow.session.flush()  # version and updated_at, before the response describes the request
    uow.emit(
        AccommodationDecidedV1(
            case_id=request.case_id,
            accommodation_id=request.id,
            employer_org_id=request.employer_org_id,
            decision=data.decision,
            decided_by=principal.subject,
            decided_at=request.decided_at,
            attestation_sha256=request.attestation_sha256,
            counter=CounterOffer.model_validate(request.counter) if request.counter else None,
        )
    )
    uow.commit()
    return request, case


def accept_counter(
    *, uow: UnitOfWork, principal: Principal, request_id: uuid.UUID, if_match: str | None = None
) -> Visible:
    """The case's therapist accepts the employer's counter-proposal: the request is confirmed with the
    counter as what was agreed, attested together, and announced."""
    request, case = get_visible_request(uow=uow, principal=principal, request_id=request_id, for_update=True)
    check_if_match(if_match, request.version, what=f"accommodation request {request_id}")
    if request.status == WITHDRAWN:
        raise ConflictError(
            f"accommodation request was withdrawn ({request.withdrawn_reason or 'no reason given'}); "
            "its counter-proposal can no longer be accepted"
        )
    if request.status != COUNTERED:
        raise ConflictError(
            f"accommodation request is {request.status}; only a countered one has a counter-proposal to accept"
        )
    request.status = CONFIRMED
    request.counter_accepted_by, request.counter_accepted_by_username = principal.subject, principal.username
    request.counter_accepted_at = uow.now()
    request.agreement_sha256 = attest_agreement(request)
    uow.session.flush()  # version and updated_at, before the response describes the request
    uow.emit(
        AccommodationDecidedV1(
            case_id=request.case_id,
            accommodation_id=request.id,
            employer_org_id=request.employer_org_id,
            decision=CONFIRMED,
            decided_by=principal.subject,
            decided_at=request.counter_accepted_at,
            attestation_sha256=request.agreement_sha256,
            counter=CounterOffer.model_validate(request.counter),
            counter_accepted=True,
        )
    )
    uow.commit()
    return request, case


def _counter_as_kept(request: AccommodationRequest, counter: CounterProposal) -> dict[str, Any]:
    """The counter-proposal as the request keeps it (and the event carries it): its weeks dated from its
    own start, or the request's; its start only when it names one."""
    kept = counter.model_dump(mode="json", exclude_none=True)
    own_start = counter.schedule_start_date
    kept["schedule"] = weeks.dated(kept["schedule"], own_start or requested_start(request), redate=True)
    return kept


def _require_undecided(request: AccommodationRequest) -> None:
    """409 unless the request still awaits its first answer, saying why it cannot be decided."""
    if request.status == WITHDRAWN:
        raise ConflictError(
            f"accommodation request was withdrawn ({request.withdrawn_reason or 'no reason given'}); "
            "it can no longer be decided"
        )
    if request.status != REQUESTED:
        raise ConflictError(f"accommodation request is already {request.status}; only a requested one can be decided")
