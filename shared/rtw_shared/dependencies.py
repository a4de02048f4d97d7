"""Typed dependencies endpoints declare (`uow: UowDep`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request

from .settings import ServiceSettings
from .uow import UnitOfWork


def get_uow(request: Request) -> Iterator[UnitOfWork]:
    """A Unit of Work for the request; whatever it did not commit is rolled back."""
    settings: ServiceSettings = request.app.state.settings
    with UnitOfWork(
        request.app.state.session_factory, source=settings.service_name, topic_prefix=settings.topic_prefix
    ) as uow:
        yield uow


UowDep = Annotated[UnitOfWork, Depends(get_uow)]
