"""Intake's API: `uvicorn rtw_intake.app:create_app --factory --port 8101`.

The audit log of every authenticated request and its `/v1/audit` endpoints come with
`create_service_app` (rtw_shared.audit), as in every service."""

from functools import partial

from fastapi import FastAPI

from rtw_shared.clock import Clock
from rtw_shared.fhir.client import FhirPeers
from rtw_shared.uow import UnitOfWork
from rtw_shared.web import create_service_app

from . import models  # noqa: F401 — every table on the metadata, so relationships and foreign keys resolve
from .assessments.router import router as assessments_router
from .cases.router import router as cases_router
from .cases.router import timeline_router
from .consents.router import router as consents_router
from .fhir.router import routers as fhir_routers
from .organisations.realm import RealmDirectory
from .organisations.router import router as organisations_router
from .organisations.sync import sync_once
from .settings import IntakeSettings
from .status.router import router as status_router


def create_app(settings: IntakeSettings | None = None, *, clock: Clock | None = None) -> FastAPI:
    """Intake's API app on `settings` (the environment's when None)."""
    settings = settings or IntakeSettings()
    app: FastAPI = create_service_app(
        settings,
        clock=clock,
        title="RTW intake",
        routers=[
            cases_router,
            status_router,
            consents_router,
            assessments_router,
            timeline_router,
            organisations_router,
            *fhir_routers,
        ],
        description="Cases, the worker's consents, assessments and restrictions; the insurer's status view; "
        "the directory of organisations; the case as HL7 FHIR R4 (docs/fhir.md).",
        on_startup=partial(_start, settings=settings),
    )
    return app


def _start(app: FastAPI, *, settings: IntakeSettings) -> None:
    """The other services' FHIR APIs for `$everything`, and the directory."""
    app.state.fhir_peers = FhirPeers({"workplan": settings.workplan_api_url, "employer": settings.employer_api_url})
    _start_directory(app, settings=settings)


def _start_directory(app: FastAPI, *, settings: IntakeSettings) -> None:
    """The realm's reader for the API, and the directory synced once before the first request (the
    worker keeps it in step after; a failure here is logged and the directory keeps what it held)."""
    app.state.directory = RealmDirectory(settings)
    if not settings.directory_sync_at_start:
        return
    state = app.state
    sync_once(
        lambda: UnitOfWork(
            state.session_factory, source=settings.service_name, topic_prefix=settings.topic_prefix, clock=state.clock
        ),
        app.state.directory,
    )
