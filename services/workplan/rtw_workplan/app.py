"""Workplan's API and the therapist's workspace: `uvicorn rtw_workplan.app:create_app --factory --port 8102`."""

from fastapi import FastAPI

from rtw_shared.clock import Clock
from rtw_shared.web import create_service_app
from rtw_shared.webui import signin
from rtw_shared.webui.config import SessionLimits

from . import models  # noqa: F401 — every table on the metadata, so relationships and foreign keys resolve
from .clinics.router import router as clinics_router
from .fhir.router import routers as fhir_routers
from .plans.router import router as plans_router
from .progress.router import router as progress_router
from .publication.router import router as publication_router
from .sessions.router import router as sessions_router
from .settings import WorkplanSettings
from .workspace import api as workspace_api
from .workspace.pages import WORKSPACE
from .workspace.routes import ROUTERS as WORKSPACE_ROUTERS


def create_app(settings: WorkplanSettings | None = None, *, clock: Clock | None = None) -> FastAPI:
    """The workplan API and the workspace at /clinic (settings from the environment unless given)."""
    settings = settings or WorkplanSettings()
    app: FastAPI = create_service_app(
        settings,
        clock=clock,
        title="RTW workplan",
        routers=[
            plans_router,
            publication_router,
            sessions_router,
            progress_router,
            clinics_router,
            *fhir_routers,
            signin.router(WORKSPACE),
            *WORKSPACE_ROUTERS,
        ],
        description=(
            "Graded return-to-work plans: drafts, publication and revisions, the session log, progression, "
            "progress (adherence, capacity, job match, readiness, GAS, COPM, cost) and each clinic's rules; the plan "
            "as HL7 FHIR R4 (docs/fhir.md). Therapists use the workspace at /clinic."
        ),
        on_startup=lambda app: workspace_api.start(app, settings),
        on_shutdown=workspace_api.stop,
    )
    limits = SessionLimits(
        idle_minutes=settings.clinic_idle_minutes, max_session_hours=settings.clinic_max_session_hours
    )
    signin.install(app, WORKSPACE, settings, client_id=settings.clinic_client_id, limits=limits)
    return app
