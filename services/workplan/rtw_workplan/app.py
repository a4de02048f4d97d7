"""Workplan's API: `uvicorn rtw_workplan.app:create_app --factory --port 8102`."""

from fastapi import FastAPI

from rtw_shared.web import create_service_app

from . import models  # noqa: F401 — every table on the metadata, so relationships and foreign keys resolve
from .plans.router import router as plans_router
from .settings import WorkplanSettings


def create_app(settings: WorkplanSettings | None = None) -> FastAPI:
    """The workplan API (settings from the environment unless given)."""
    return create_service_app(
        settings or WorkplanSettings(),
        title="RTW workplan",
        routers=[plans_router],
        description="Graded return-to-work plans: drafts, publication, projected return date and cost.",
    )
