"""Workplan's request dependencies, beneath the routers that take them."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from .rules.projections import FeeSchedule


def default_fees(request: Request) -> FeeSchedule:
    """The deployment's fee schedule (RTW_WORKPLAN_FEE_*), for clinics that set none."""
    settings = request.app.state.settings
    return FeeSchedule(evaluation=settings.fee_evaluation, session=settings.fee_session)


# An endpoint's `fees: FeesDep`: the deployment's fee schedule, which a clinic's own replaces (clinics.service).
FeesDep = Annotated[FeeSchedule, Depends(default_fees)]
