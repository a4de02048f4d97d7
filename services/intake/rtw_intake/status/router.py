"""GET /v1/cases/{id}/status: the insurer's one-call answer (therapists read it too)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from rtw_shared.access import Part
from rtw_shared.auth import CurrentPrincipal
from rtw_shared.responses import model_response
from rtw_shared.web import UowDep

from .. import policy
from . import service
from .schemas import CaseStatusView

router = APIRouter(prefix="/v1/cases", tags=["cases"])


@router.get("/{case_id}/status", response_model=CaseStatusView)
def get_case_status(case_id: uuid.UUID, principal: CurrentPrincipal, uow: UowDep) -> Response:
    """The insurer's one-call answer: status, plan, accommodation, projected return date, cost."""
    policy.require_part_reader(principal, Part.PROGRESS, what="case status")
    return model_response(service.case_status(uow=uow, principal=principal, case_id=case_id))
