"""Notify's API: `uvicorn rtw_notify.app:create_app --factory --port 8104`."""

from fastapi import FastAPI

from rtw_shared.clock import Clock
from rtw_shared.web import create_service_app

from . import models  # noqa: F401 — every table on the metadata, so relationships and foreign keys resolve
from .contacts.router import preferences_router
from .contacts.router import router as contacts_router
from .notifications.router import router as notifications_router
from .settings import NotifySettings
from .webhooks.router import router as webhooks_router


def create_app(settings: NotifySettings | None = None, *, clock: Clock | None = None) -> FastAPI:
    return create_service_app(
        settings or NotifySettings(),
        clock=clock,
        title="RTW notify",
        routers=[notifications_router, webhooks_router, contacts_router, preferences_router],
        description=(
            "The caller's in-app inbox (read state per person); webhook subscriptions of insurers and employers "
            "(signed with Standard Webhooks, deliveries logged and replayable); the organisation's email contacts "
            "and each person's email preferences. Email, webhooks and reminders are sent by the worker."
        ),
    )
