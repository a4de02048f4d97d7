"""Intake's API: `uvicorn rtw_intake.app:create_app --factory --port 8101`.

The audit log of every authenticated request and its `/v1/audit` endpoints come with
`create_service_app` (rtw_shared.audit), as in every service."""

from fastapi import FastAPI

from rtw_shared.clock import Clock
from rtw_shared.web import create_service_app

from . import models  # noqa: F401 — every table on the metadata, so relationships and foreign keys resolve
from .assessments.router import router as assessments_router
from .cases.router import router as cases_router
from .cases.router import timeline_router
from .consents.router import router as consents_router
from .settings import IntakeSettings
from .status.router import router as status_router


def create_app(settings: IntakeSettings | None = None, *, clock: Clock | None = None) -> FastAPI:
    """Intake's API app on `settings` (the environment's when None)."""
    settings = settings or IntakeSettings()
    app: FastAPI = create_service_app(
        settings,
        clock=clock,
        title="RTW intake",
        routers=[cases_router, status_router, consents_router, assessments_router, timeline_router],
        description="Cases, the worker's consents, assessments and restrictions; the insurer's status view.",
    )
    return app
