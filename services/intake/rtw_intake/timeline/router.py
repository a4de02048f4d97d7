"""GET /v1/cases/{id}/timeline: what happened to a case, in order (therapist and insurer)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from rtw_shared.auth import CurrentPrincipal
from rtw_shared.web import UowDep

from .. import policy
from ..cases.service import get_visible_case
from . import service
from .schemas import Timeline

router = APIRouter(prefix="/v1/cases/{case_id}/timeline", tags=["timeline"])


@router.get("", response_model=Timeline)
def get_timeline(case_id: uuid.UUID, principal: CurrentPrincipal, uow: UowDep):
    """Every recorded change of the case, oldest first."""
    policy.require_timeline_reader(principal)
    case = get_visible_case(uow=uow, principal=principal, case_id=case_id)
    return Timeline(items=service.entries(uow=uow, case_id=case.id))
