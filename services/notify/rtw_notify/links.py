"""Where emails point people — pages, never an API: the employer portal (a request's page, or the portal
itself) for employers, the therapist's workspace (served by workplan under `/clinic`) for therapists.
Insurers are given no link (docs/domain/notifications.md)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import cache

from .settings import NotifySettings


@dataclass(frozen=True)
class Link:
    """An address and the words a person clicks."""

    url: str
    text: str


@cache
def _settings() -> NotifySettings:
    # Handlers and timers get no settings object; the links come from the process's environment.
    return NotifySettings()


def _portal() -> str:
    return _settings().portal_url.rstrip("/")


def _workspace() -> str:
    return _settings().workspace_url.rstrip("/")


def request_link(accommodation_id: uuid.UUID) -> Link:
    """The employer portal's page of an accommodation request."""
    return Link(f"{_portal()}/requests/{accommodation_id}", "Open the request in the employer portal")


def portal_link() -> Link:
    """The employer portal (its pending requests, once signed in)."""
    return Link(_portal(), "Open the employer portal")


def case_link(case_id: uuid.UUID) -> Link:
    """The case in the therapist's workspace."""
    return Link(f"{_workspace()}/clinic/cases/{case_id}", "Open the case in your workspace")


def plan_link(plan_id: uuid.UUID) -> Link:
    """A plan (one version of it) in the therapist's workspace."""
    return Link(f"{_workspace()}/clinic/plans/{plan_id}", "Open the plan in your workspace")
