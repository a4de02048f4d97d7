"""Keeping the directory in step with the realm: once when the API starts, and every
`directory_sync_seconds` in the worker (a loop of its own)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import structlog

from rtw_shared.uow import UnitOfWork
from rtw_shared.worker import LoopContext

from ..settings import IntakeSettings
from . import service
from .realm import RealmDirectory

log = structlog.get_logger("rtw.intake.organisations")


def sync_once(unit_of_work: Callable[[], UnitOfWork], directory: RealmDirectory) -> bool:
    """Read the realm and make the directory match it; False (logged) when Keycloak or the database
    could not answer — the directory keeps what it held, and the next sync tries again."""
    try:
        entries = directory.read()
        with unit_of_work() as uow:
            service.replace_directory(uow=uow, entries=entries)
    except Exception as error:
        log.warning("the directory of organisations could not be synced", error=str(error))
        return False
    return True


class DirectorySync:
    """The worker's loop: sync now, then every `directory_sync_seconds`, until stopped."""

    def __init__(self, context: LoopContext[IntakeSettings]):
        self._context = context
        self._directory = RealmDirectory(context.settings)
        self._stopping = threading.Event()

    def run(self) -> None:
        while not self._stopping.is_set():
            sync_once(self._context.unit_of_work, self._directory)
            self._stopping.wait(self._context.settings.directory_sync_seconds)

    def stop(self) -> None:
        self._stopping.set()
