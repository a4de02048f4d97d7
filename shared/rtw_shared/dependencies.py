"""Typed dependencies endpoints declare (`uow: UowDep`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import anyio
from fastapi import Depends, Request

from .api_paths import is_api
from .clock import Clock
from .settings import ServiceSettings
from .uow import UnitOfWork

SAFE_METHODS = frozenset({"GET", "HEAD"})


async def get_uow(request: Request) -> AsyncIterator[UnitOfWork]:
    """A Unit of Work for the request; whatever it did not commit is rolled back.

    Async, so opening and closing it costs no hop to a worker thread and back (only the endpoint runs
    there): opening does no I/O (the session connects at its first statement), and neither does closing
    one that committed or only read; one left with a transaction open is rolled back on a thread.

    An API GET only reads (RFC 9110 §9.2.1), so it gets a read-only Unit of Work on a connection
    without a transaction: under READ COMMITTED every statement sees its own snapshot either way,
    and it saves the BEGIN and ROLLBACK round trips (make bench). A write from it is a bug and
    fails: the Unit of Work refuses to commit or emit, and PostgreSQL refuses the statement."""
    settings: ServiceSettings = request.app.state.settings
    state = request.app.state
    read_only = request.method in SAFE_METHODS and is_api(request.url.path)  # the portal may write on a GET (sign-in)
    uow = UnitOfWork(
        state.read_session_factory if read_only else state.session_factory,
        source=settings.service_name,
        topic_prefix=settings.topic_prefix,
        read_only=read_only,
        clock=state.clock,
    )
    async for opened in _opened(uow, autocommit=read_only):
        yield opened


async def get_streaming_uow(request: Request) -> AsyncIterator[UnitOfWork]:
    """A read-only Unit of Work inside a transaction, for a GET that streams a large result through
    a server-side cursor (PostgreSQL keeps one open only inside a transaction)."""
    settings: ServiceSettings = request.app.state.settings
    uow = UnitOfWork(
        request.app.state.session_factory,
        source=settings.service_name,
        topic_prefix=settings.topic_prefix,
        read_only=True,
        clock=request.app.state.clock,
    )
    async for opened in _opened(uow, autocommit=False):
        yield opened


async def _opened(uow: UnitOfWork, *, autocommit: bool) -> AsyncIterator[UnitOfWork]:
    """`uow` entered, then closed: on the event loop when that needs no round trip (its connection is in
    autocommit mode, or nothing is open: it committed or never ran a statement), else on a worker thread."""
    uow.__enter__()
    try:
        yield uow
    finally:
        if autocommit or not uow.session.in_transaction():
            uow.close()
        else:
            with anyio.CancelScope(shield=True):  # a client that hung up still gets its transaction ended
                await anyio.to_thread.run_sync(uow.close)


UowDep = Annotated[UnitOfWork, Depends(get_uow)]
StreamingUowDep = Annotated[UnitOfWork, Depends(get_streaming_uow)]


async def get_clock(request: Request) -> Clock:
    """The app's clock (rtw_shared.clock), for a page that shows today's date."""
    clock: Clock = request.app.state.clock
    return clock


ClockDep = Annotated[Clock, Depends(get_clock)]
