"""GET /v1/organisations: the directory, for the pickers of whoever opens or follows a case."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from rtw_shared.auth import CurrentPrincipal
from rtw_shared.web import UowDep

from .. import policy
from . import service
from .schemas import OrganisationKind, OrganisationList, OrganisationView

router = APIRouter(prefix="/v1/organisations", tags=["organisations"])


@router.get("", response_model=OrganisationList)
def list_organisations(
    principal: CurrentPrincipal,
    uow: UowDep,
    kind: Annotated[OrganisationKind | None, Query(description="only organisations of this kind")] = None,
) -> OrganisationList:
    """The clinics, employers and insurers a case may name (ids and names; any signed-in role)."""
    policy.require_directory_reader(principal)
    found = service.list_organisations(uow=uow, kind=kind)
    return OrganisationList(items=[OrganisationView.model_validate(o) for o in found])
