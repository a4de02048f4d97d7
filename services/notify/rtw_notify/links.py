"""Where emails point people: the employer portal's request page, or the case."""

from __future__ import annotations

import uuid
from functools import cache

from .settings import NotifySettings


@cache
def _settings() -> NotifySettings:
    # Handlers and timers get no settings object; the links come from the process's environment.
    return NotifySettings()


def request_link(accommodation_id: uuid.UUID) -> str:
    """The portal page of an accommodation request."""
    return f"{_settings().portal_url.rstrip('/')}/requests/{accommodation_id}"


def case_link(case_id: uuid.UUID) -> str:
    """The case, for the people who may open it."""
    return f"{_settings().case_url.rstrip('/')}/{case_id}"
