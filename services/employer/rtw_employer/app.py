"""Employer's API and portal: `uvicorn rtw_employer.app:create_app --factory --port 8103`."""

from fastapi import FastAPI

from rtw_shared.clock import Clock
from rtw_shared.web import create_service_app
from rtw_shared.webui import signin
from rtw_shared.webui.config import SessionLimits

from . import models  # noqa: F401 — every table on the metadata, so relationships and foreign keys resolve
from .accommodations.router import router as accommodations_router
from .fhir.router import routers as fhir_routers
from .portal.pages import PORTAL
from .portal.router import router as portal_router
from .settings import EmployerSettings


def create_app(settings: EmployerSettings | None = None, *, clock: Clock | None = None) -> FastAPI:
    settings = settings or EmployerSettings()
    app = create_service_app(
        settings,
        clock=clock,
        title="RTW employer",
        routers=[accommodations_router, signin.router(PORTAL), portal_router, *fhir_routers],
        description="Accommodation requests: the employer's view, and its decision on each. "
        "People use the portal at /portal (docs/portal.md); the requests as HL7 FHIR R4 Tasks (docs/fhir.md).",
    )
    limits = SessionLimits(
        idle_minutes=settings.portal_idle_minutes, max_session_hours=settings.portal_max_session_hours
    )
    signin.install(app, PORTAL, settings, client_id=settings.portal_client_id, limits=limits)
    return app
