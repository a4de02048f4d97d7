"""HTTP endpoints for the caller's clinic's fee schedule and progression thresholds (therapists)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from rtw_shared.auth import Therapist
from rtw_shared.concurrency import IfMatch, set_etag
from rtw_shared.web import UowDep

from ..rules.projections import FeeSchedule
from . import service
from .schemas import ClinicSettingsIn, ClinicSettingsView

router = APIRouter(prefix="/v1/clinic-settings", tags=["clinic settings"])


def default_fees(request: Request) -> FeeSchedule:
    """The deployment's fee schedule (RTW_WORKPLAN_FEE_*), for clinics that set none."""
    settings = request.app.state.settings
    return FeeSchedule(evaluation=settings.fee_evaluation, session=settings.fee_session)


@router.get("", response_model=ClinicSettingsView)
def get_settings(principal: Therapist, uow: UowDep, request: Request, response: Response):
    """Your clinic's fees and progression thresholds (the defaults until your clinic sets its own)."""
    rules = service.rules_for(uow=uow, clinic_org_id=principal.org_id, defaults=default_fees(request))
    set_etag(response, rules.revision)
    return service.view(principal.org_id, rules)


@router.put("", response_model=ClinicSettingsView)
def replace_settings(
    body: ClinicSettingsIn,
    principal: Therapist,
    uow: UowDep,
    request: Request,
    response: Response,
    if_match: IfMatch = None,
):
    """Set your clinic's fees and progression thresholds (send the ETag you read as If-Match)."""
    rules = service.replace_settings(
        uow=uow, principal=principal, data=body, defaults=default_fees(request), if_match=if_match
    )
    set_etag(response, rules.revision)
    return service.view(principal.org_id, rules)
