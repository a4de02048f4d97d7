"""Typed dependencies endpoints declare (`uow: UowDep`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request

from .api_paths import is_api
from .clock import Clock
from .settings import ServiceSettings
from .uow import UnitOfWork

SAFE_METHODS = frozenset({"GET", "HEAD"})


def get_uow(request: Request) -> Iterator[UnitOfWork]:
    """A Unit of Work for the request; whatever it did not commit is rolled back.

    An API GET only reads (RFC 9110 §9.2.1), so it gets a read-only Unit of Work on a connection
    without a transaction: under READ COMMITTED every statement sees its own snapshot either way,
    and it saves the BEGIN and ROLLBACK round trips (make bench). A write from it is a bug and
    fails: the Unit of Work refuses to commit or emit, and PostgreSQL refuses the statement."""
    settings: ServiceSettings = request.app.state.settings
    state = request.app.state
    read_only = request.method in SAFE_METHODS and is_api(request.url.path)  # the portal may write on a GET (sign-in)
    with UnitOfWork(
        state.read_session_factory if read_only else state.session_factory,
        source=settings.service_name,
        topic_prefix=settings.topic_prefix,
        read_only=read_only,
        clock=state.clock,
    ) as uow:
        yield uow


def get_streaming_uow(request: Request) -> Iterator[UnitOfWork]:
    """A read-only Unit of Work inside a transaction, for a GET that streams a large result through
    a server-side cursor (PostgreSQL keeps one open only inside a transaction)."""
    settings: ServiceSettings = request.app.state.settings
    with UnitOfWork(
        request.app.state.session_factory,
        source=settings.service_name,
        topic_prefix=settings.topic_prefix,
        read_only=True,
        clock=request.app.state.clock,
    ) as uow:
        yield uow


UowDep = Annotated[UnitOfWork, Depends(get_uow)]
StreamingUowDep = Annotated[UnitOfWork, Depends(get_streaming_uow)]


def get_clock(request: Request) -> Clock:
    """The app's clock (rtw_shared.clock), for a page that shows today's date."""
    clock: Clock = request.app.state.clock
    return clock


ClockDep = Annotated[Clock, Depends(get_clock)]
