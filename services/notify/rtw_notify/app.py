"""Notify's API: `uvicorn rtw_notify.app:create_app --factory --port 8104`."""

from fastapi import FastAPI

from rtw_shared.web import create_service_app

from . import models  # noqa: F401 — every table on the metadata, so relationships and foreign keys resolve
from .notifications.router import router as notifications_router
from .settings import NotifySettings


def create_app(settings: NotifySettings | None = None) -> FastAPI:
    return create_service_app(
        settings or NotifySettings(),
        title="RTW notify",
        routers=[notifications_router],
        description="The caller's in-app inbox; email and webhooks are sent by the worker.",
    )
