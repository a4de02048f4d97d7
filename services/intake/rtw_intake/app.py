"""Intake's API: `uvicorn rtw_intake.app:create_app --factory --port 8101`."""

from fastapi import FastAPI

from rtw_shared.web import create_service_app

from . import models  # noqa: F401 — every table on the metadata, so relationships and foreign keys resolve
from .assessments.router import router as assessments_router
from .audit.recorder import AuditRecorder
from .audit.router import router as audit_router
from .cases.router import router as cases_router
from .settings import IntakeSettings
from .timeline.router import router as timeline_router


def create_app(settings: IntakeSettings | None = None) -> FastAPI:
    settings = settings or IntakeSettings()
    app = create_service_app(
        settings, title="RTW intake", routers=[cases_router, assessments_router, timeline_router, audit_router],
        description="Cases, assessments and restrictions; the insurer's status view.",
    )
    # Added last, so it wraps the other middleware: every case request is recorded, whatever answered it.
    app.add_middleware(AuditRecorder, database_url=settings.database_url)
    return app
