"""Intake's FHIR R4 endpoints (docs/fhir.md): the CapabilityStatement, read and search of Patient,
Organization, Coverage, Condition, Observation and Consent, and `Patient/$everything` — one case's
Bundle, or (type level) every case the caller may see that changed since `_since`, a page of cases at a
time — each streamed as it is gathered from intake and the other services' FHIR APIs."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request

from rtw_shared.api_paths import FHIR_BASE
from rtw_shared.auth import CurrentPrincipal, Principal
from rtw_shared.errors import NotFoundError
from rtw_shared.fhir import terminology as t
from rtw_shared.fhir.bundle import entry, searchset, streamed, with_query
from rtw_shared.fhir.capability import EVERYTHING, ResourceSupport
from rtw_shared.fhir.client import FhirPeers
from rtw_shared.fhir.resources import Resource
from rtw_shared.fhir.web import (
    UUID_PATTERN,
    FhirResponse,
    FhirStreamingResponse,
    base_url,
    fhir_responses,
    metadata_router,
    resource_router,
)
from rtw_shared.types import Timestamp
from rtw_shared.uow import UnitOfWork
from rtw_shared.web import UowDep

from .. import policy
from ..cases.models import Case
from . import service

READERS = frozenset({"therapist", "employer", "insurer"})
ABOUT = {
    "Patient": "The worker as known in one case (id: the case's id): name, birth date, language as the role may see.",
    "Organization": "The case's clinic, employer and insurer (the directory's ids and names).",
    "Coverage": "The workers' compensation claim: its number and the insurer that pays.",
    "Condition": "The claim's diagnoses (ICD-10-CM) with body site and onset (the injury date).",
    "Observation": "The job (ODH Past or Present Job), employment status (ODH) and the assessments.",
    "Consent": "The worker's two consents: to share restrictions with the employer, status with the insurer.",
}
SUPPORT = [
    ResourceSupport("Patient", ABOUT["Patient"], operations=(("everything", EVERYTHING),)),
    *(
        ResourceSupport(
            name,
            ABOUT[name],
            supported_profiles=(t.ODH_PAST_OR_PRESENT_JOB, t.ODH_EMPLOYMENT_STATUS) if name == "Observation" else (),
        )
        for name in service.TYPES[1:]
    ),
]
EVERYTHING_DEFAULT_CASES, EVERYTHING_MAX_CASES = 10, 50

router = APIRouter(prefix=FHIR_BASE, tags=["FHIR R4"])


def peers(request: Request) -> FhirPeers:
    found: FhirPeers = request.app.state.fhir_peers
    return found


def _stream(bundle: Resource, entries: Iterator[dict[str, Any]]) -> FhirStreamingResponse:
    return FhirStreamingResponse(streamed(bundle, entries))


def _case_entries(
    request: Request, uow: UnitOfWork, principal: Principal, case: Case
) -> tuple[list[dict[str, Any]], uuid.UUID]:
    """Intake's entries of the case (read now, inside the request's Unit of Work)."""
    base = base_url(request)
    return [entry(base, r) for r in service.resources_of(uow, principal, case)], case.id


def _gathered(request: Request, cases: list[tuple[list[dict[str, Any]], uuid.UUID]]) -> Iterator[dict[str, Any]]:
    """Each case's entries: intake's, then the other services'."""
    gather = peers(request)
    authorization = request.headers.get("authorization", "")
    correlation_id = getattr(request.state, "correlation_id", None)
    for own, case_id in cases:
        yield from own
        yield from gather.entries(case_id, authorization=authorization, correlation_id=correlation_id)


@router.get(
    "/Patient/$everything",
    name="fhir_everything_since",
    summary="Every case changed since a time (export)",
    response_class=FhirResponse,  # documented as one resource; answered as it is gathered
    responses=fhir_responses("A searchset Bundle: each case's resources, a page of cases at a time"),
)
def everything_since(
    request: Request,
    principal: CurrentPrincipal,
    uow: UowDep,
    since: Annotated[
        Timestamp | None,
        Query(alias="_since", description="only cases in which something the caller can see changed since then"),
    ] = None,
    count: Annotated[
        int, Query(alias="_count", ge=1, le=EVERYTHING_MAX_CASES, description="cases per page")
    ] = EVERYTHING_DEFAULT_CASES,
    page: Annotated[str | None, Query(alias="_page", max_length=200, description="from a next link")] = None,
) -> FhirStreamingResponse:
    """Everything the caller may see of every case of theirs that changed since `_since`, most recently changed
    first, `_count` cases a page (an insurer's export; follow the `next` link)."""
    policy.require_case_reader(principal)
    chosen, next_cursor = service.changed_cases(uow, principal, since=since, count=count, page=page)
    next_url = None
    if next_cursor:
        params = {**dict(request.query_params), "_page": next_cursor}
        next_url = with_query(str(request.url.replace(query="")), params)
    head = searchset([], timestamp=uow.now(), self_url=str(request.url), next_url=next_url)
    return _stream(head, _gathered(request, [_case_entries(request, uow, principal, c) for c in chosen]))


@router.get(
    "/Patient/{case_id}/$everything",
    name="fhir_everything",
    summary="Everything the caller may see of one case",
    response_class=FhirResponse,  # documented as one resource; answered as it is gathered
    responses=fhir_responses("A searchset Bundle of the case's resources from every service"),
)
def everything(
    request: Request,
    principal: CurrentPrincipal,
    uow: UowDep,
    case_id: Annotated[str, Path(pattern=f"^{UUID_PATTERN}$", description="the case's id")],
) -> FhirStreamingResponse:
    """One Bundle with everything the caller may see about the case, from every service (each answering with
    the caller's own token): the same role view, and the same 404, as the JSON API."""
    policy.require_case_reader(principal)
    case = service.visible_case(uow, principal, uuid.UUID(case_id))
    if case is None:
        raise NotFoundError(f"Patient/{case_id} not found")
    head = searchset([], timestamp=uow.now(), self_url=str(request.url))
    return _stream(head, _gathered(request, [_case_entries(request, uow, principal, case)]))


routers = [
    metadata_router(service="intake", title="RTW intake FHIR R4 API", resources=SUPPORT),
    router,
    *(
        resource_router(name, search=service.search(name), read=service.read(name), readers=READERS, about=ABOUT[name])
        for name in service.TYPES
    ),
]
