"""The email sender loop (a worker loop, see rtw_shared.worker.WorkerSpec.extra_loops): sends
pending email rows until stopped."""

from __future__ import annotations

import threading

import structlog
from sqlalchemy.exc import OperationalError

from rtw_shared.worker import LoopContext

from ..settings import NotifySettings
from . import service
from .transport import SmtpTransport

log = structlog.get_logger("rtw.notify.sender")


class EmailSender:
    def __init__(self, context: LoopContext[NotifySettings], *, batch_size: int = 10, idle_seconds: float = 0.5):
        self.context = context
        settings = context.settings
        self.transport = SmtpTransport(settings.smtp_host, settings.smtp_port, settings.mail_from)
        self.batch_size = batch_size
        self.idle_seconds = idle_seconds
        self.stopping = threading.Event()

    def run(self) -> None:
        """Send until stopped: drain what is due, then wait a moment (or until stop())."""
        while not self.stopping.is_set():
            try:
                while self.send_pending_once() and not self.stopping.is_set():
                    pass
            except OperationalError as error:
                # The database is away: nothing was lost, the rows are still pending; try again soon.
                log.warning("database unavailable; retrying", error=str(error))
            self.stopping.wait(self.idle_seconds)

    def stop(self) -> None:
        self.stopping.set()

    def send_pending_once(self) -> int:
        """Send one batch of due emails; return how many were sent."""
        with self.context.unit_of_work() as uow:
            return service.send_due_emails(uow=uow, transport=self.transport, limit=self.batch_size)
