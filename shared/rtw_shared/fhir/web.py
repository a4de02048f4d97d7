"""The FHIR API's HTTP side every service shares: `application/fhir+json` answers, errors documented as
OperationOutcome, the public CapabilityStatement at `/fhir/R4/metadata`, and each resource type's read
(`GET /fhir/R4/<Type>/<id>`) and search (`GET /fhir/R4/<Type>?patient=<case id>`) — a service hands in
what finds its resources for a caller; the role view inside decides what each one shows."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict

from ..api_paths import FHIR_BASE
from ..auth import CurrentPrincipal, Principal
from ..dependencies import UowDep
from ..errors import PROBLEM_STATUSES, ForbiddenError, NotFoundError, ProblemError
from ..outcome import FHIR_JSON
from ..uow import UnitOfWork
from .bundle import DEFAULT_COUNT, MAX_COUNT, entry, page_offset, page_token, searchset, with_query
from .capability import ResourceSupport, capability_statement
from .resources import ID_PATTERN, Resource

UUID_PATTERN = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
PATIENT_PATTERN = f"^(Patient/)?{UUID_PATTERN}$"
IDS_PATTERN = r"^[A-Za-z0-9\-.]{1,64}(,[A-Za-z0-9\-.]{1,64}){0,49}$"


class FhirResponse(JSONResponse):
    """A FHIR resource as `application/fhir+json`."""

    media_type = FHIR_JSON


class FhirStreamingResponse(StreamingResponse):
    """A FHIR Bundle written as it is gathered, as `application/fhir+json`."""

    media_type = FHIR_JSON


class Issue(BaseModel):
    severity: str
    code: str
    diagnostics: str | None = None
    expression: list[str] | None = None


class OperationOutcome(BaseModel):
    """What went wrong (http://hl7.org/fhir/R4/operationoutcome.html)."""

    resourceType: str  # noqa: N815 — FHIR's own name
    issue: list[Issue]


class FhirResource(BaseModel):
    """A FHIR R4 resource (its elements: http://hl7.org/fhir/R4/resourcelist.html and docs/fhir.md)."""

    model_config = ConfigDict(extra="allow")
    resourceType: str  # noqa: N815 — FHIR's own name
    id: str | None = None


_ERRORS = {
    **PROBLEM_STATUSES,
    400: "The request could not be processed: an unknown search parameter, a value of the wrong form, a search "
    "that names no patient",
    401: "No token, or a token that is not valid",
    403: "Your role does not read this kind of resource",
    404: "Not found, or outside your organisation",
    429: "Too many requests from this caller; wait `Retry-After` seconds",
    422: "Not answered by the FHIR API: invalid input is 400 there",
    503: "The database is unavailable for a moment; nothing was changed. Retry after `Retry-After` seconds",
}
OUTCOME_CONTENT = {FHIR_JSON: {"schema": {"$ref": "#/components/schemas/OperationOutcome"}}}
# Documented on every FHIR operation, in place of the JSON API's problem+json (every status it documents).
FHIR_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": OperationOutcome, "description": text, "content": OUTCOME_CONTENT}
    for status, text in _ERRORS.items()
}


def fhir_responses(description: str) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI responses of a FHIR operation: a resource (`description`) or an OperationOutcome."""
    return {200: {"model": FhirResource, "description": description}, **FHIR_ERRORS}


@dataclass(frozen=True)
class SearchQuery:
    """A search's criteria: the case (`patient` or `subject`), ids, and the page."""

    case_id: uuid.UUID | None
    ids: frozenset[str] | None
    count: int
    offset: int


# A service's resources of one type for one case, as the caller may see them ([] when it may see none).
Search = Callable[[UnitOfWork, Principal, uuid.UUID], list[Resource]]
Read = Callable[[UnitOfWork, Principal, str], Resource | None]


def base_url(request: Request) -> str:
    """This service's FHIR base as the caller reached it."""
    return str(request.base_url).rstrip("/") + FHIR_BASE


def search_query(
    patient: str | None, subject: str | None, ids: str | None, count: int, page: str | None
) -> SearchQuery:
    """The criteria of a search; 400 when it names neither a patient nor ids (a search across every case the
    caller may see is the type-level Patient/$everything's, paged by case)."""
    named = {value.removeprefix("Patient/").lower() for value in (patient, subject) if value}
    if not named and not ids:
        raise ProblemError("name the patient: ?patient=<case id> (or subject, or _id)", field="patient")
    case_id = uuid.UUID(named.pop()) if len(named) == 1 else None
    if len(named) > 0:  # patient and subject name two different cases: nothing matches both
        case_id = uuid.UUID(int=0)
    return SearchQuery(
        case_id=case_id,
        ids=frozenset(ids.split(",")) if ids else None,
        count=count,
        offset=page_offset(page),
    )


def resource_router(
    resource_type: str, *, search: Search, read: Read, readers: frozenset[str], about: str
) -> APIRouter:
    """Read and search of `resource_type` (`readers`: the roles that read it; 403 for the others)."""
    router = APIRouter(prefix=FHIR_BASE, tags=["FHIR R4"])
    lower = resource_type.lower()

    def require_reader(principal: Principal) -> None:
        if not principal.has_role(*readers):
            raise ForbiddenError(f"your role does not read {resource_type} resources")

    @router.get(
        f"/{resource_type}",
        name=f"fhir_search_{lower}",
        summary=f"Search {resource_type}",
        description=f"{about} A searchset Bundle of the case's {resource_type} resources the caller may see.",
        response_class=FhirResponse,
        responses=fhir_responses(f"A searchset Bundle of {resource_type} resources"),
    )
    def search_resources(
        request: Request,
        principal: CurrentPrincipal,
        uow: UowDep,
        patient: Annotated[str | None, Query(pattern=PATIENT_PATTERN, description="Patient/<case id>")] = None,
        subject: Annotated[str | None, Query(pattern=PATIENT_PATTERN, description="Patient/<case id>")] = None,
        ids: Annotated[str | None, Query(alias="_id", pattern=IDS_PATTERN, description="ids, comma-separated")] = None,
        count: Annotated[int, Query(alias="_count", ge=1, le=MAX_COUNT)] = DEFAULT_COUNT,
        page: Annotated[str | None, Query(alias="_page", max_length=200, description="from a next link")] = None,
    ) -> FhirResponse:
        require_reader(principal)
        query = search_query(patient, subject, ids, count, page)
        if query.case_id is None:  # by ids alone
            found = [r for r in (read(uow, principal, i) for i in sorted(query.ids or ())) if r is not None]
        else:
            found = search(uow, principal, query.case_id)
        if query.ids is not None:
            found = [r for r in found if r["id"] in query.ids]
        return FhirResponse(page_of(request, found, query, uow))

    @router.get(
        f"/{resource_type}/{{resource_id}}",
        name=f"fhir_read_{lower}",
        summary=f"Read a {resource_type}",
        description=f"{about} One {resource_type}, as the caller's role view shows it.",
        response_class=FhirResponse,
        responses=fhir_responses(f"The {resource_type}"),
    )
    def read_resource(
        principal: CurrentPrincipal,
        uow: UowDep,
        resource_id: Annotated[str, Path(pattern=ID_PATTERN)],
    ) -> FhirResponse:
        require_reader(principal)
        found = read(uow, principal, resource_id)
        if found is None:
            raise NotFoundError(f"{resource_type}/{resource_id} not found")
        return FhirResponse(found)

    return router


def page_of(request: Request, found: list[Resource], query: SearchQuery, uow: UnitOfWork) -> Resource:
    """The page of `found` the query asks for, as a searchset Bundle with its links."""
    base, here = base_url(request), str(request.url.remove_query_params("_page"))
    chosen = found[query.offset : query.offset + query.count]
    after = query.offset + query.count
    next_url = None
    if after < len(found):
        params = dict(request.query_params)
        params["_page"] = page_token(after)
        next_url = with_query(str(request.url.replace(query="")), params)
    return searchset(
        [entry(base, r) for r in chosen], timestamp=uow.now(), self_url=here, next_url=next_url, total=len(found)
    )


def metadata_router(*, service: str, title: str, resources: list[ResourceSupport]) -> APIRouter:
    """The public `GET /fhir/R4/metadata`: the service's CapabilityStatement (no token needed, no case data)."""
    router = APIRouter(prefix=FHIR_BASE, tags=["FHIR R4"])

    @router.get(
        "/metadata",
        name="fhir_capabilities",
        summary="The CapabilityStatement",
        response_class=FhirResponse,
        responses=fhir_responses("The CapabilityStatement: what this service serves"),
    )
    def capabilities(request: Request) -> FhirResponse:
        """What this service's FHIR R4 API serves: resources, profiles, search parameters, operations."""
        return FhirResponse(
            capability_statement(
                service=service,
                title=title,
                url=base_url(request),
                resources=resources,
                published=request.app.state.clock(),
            )
        )

    return router
