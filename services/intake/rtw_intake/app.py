"""Intake's API: `uvicorn rtw_intake.app:create_app --factory --port 8101`."""

from fastapi import FastAPI

from rtw_shared.web import create_service_app

from . import models  # noqa: F401 — every table on the metadata, so relationships and foreign keys resolve
from .cases.router import router as cases_router
from .settings import IntakeSettings


def create_app(settings: IntakeSettings | None = None) -> FastAPI:
    return create_service_app(
        settings or IntakeSettings(), title="RTW intake", routers=[cases_router],
        description="Cases, assessments and restrictions; the insurer's status view.",
    )
