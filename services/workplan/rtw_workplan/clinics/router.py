"""HTTP endpoints for the caller's clinic's fee schedule and progression thresholds (therapists)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from rtw_shared.auth import Therapist
from rtw_shared.concurrency import IfMatch, set_etag
from rtw_shared.web import UowDep

from ..dependencies import FeesDep
from . import service
from .schemas import ClinicSettingsIn, ClinicSettingsView

router = APIRouter(prefix="/v1/clinic-settings", tags=["clinic settings"])


@router.get("", response_model=ClinicSettingsView)
def get_settings(principal: Therapist, uow: UowDep, fees: FeesDep, response: Response) -> ClinicSettingsView:
    """Your clinic's fees and progression thresholds (the defaults until your clinic sets its own)."""
    rules = service.rules_for(uow=uow, clinic_org_id=principal.org_id, defaults=fees)
    set_etag(response, rules.revision)
    return service.view(principal.org_id, rules)


@router.put("", response_model=ClinicSettingsView)
def replace_settings(
    body: ClinicSettingsIn,
    principal: Therapist,
    uow: UowDep,
    fees: FeesDep,
    response: Response,
    if_match: IfMatch = None,
) -> ClinicSettingsView:
    """Set your clinic's fees and progression thresholds (send the ETag you read as If-Match)."""
    rules = service.replace_settings(uow=uow, principal=principal, data=body, defaults=fees, if_match=if_match)
    set_etag(response, rules.revision)
    return service.view(principal.org_id, rules)
