"""Employer's API: `uvicorn rtw_employer.app:create_app --factory --port 8103`."""

from fastapi import FastAPI

from rtw_shared.web import create_service_app

from . import models  # noqa: F401 — every table on the metadata, so relationships and foreign keys resolve
from .accommodations.router import router as accommodations_router
from .settings import EmployerSettings


def create_app(settings: EmployerSettings | None = None) -> FastAPI:
    return create_service_app(
        settings or EmployerSettings(),
        title="RTW employer",
        routers=[accommodations_router],
        description="Accommodation requests: the employer's view, and its decision on each.",
    )
