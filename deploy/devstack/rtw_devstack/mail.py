"""Reads what the SMTP sink received: for people (`rtw-stack mail`) and for tests."""

from __future__ import annotations

import mailbox
import smtplib
import sys
from dataclasses import dataclass
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

from . import procs, ui
from .config import StackSettings

NAME = "smtp"


@dataclass(frozen=True)
class ReceivedMail:
    key: str
    sender: str
    recipients: list[str]
    subject: str
    date: str
    body: str
    message_id: str = ""  # the same for a message sent again after a crash (delivery is at least once)


def distinct(mails: list[ReceivedMail]) -> list[ReceivedMail]:
    """One of each message, as a mail client shows them: a copy resent with the same Message-ID
    (the sender was killed after the server took it, before it recorded that) is the same message."""
    seen: set[str] = set()
    kept = []
    for mail in mails:
        if not mail.message_id or mail.message_id not in seen:
            kept.append(mail)
            seen.add(mail.message_id)
    return kept


def received(maildir: Path) -> list[ReceivedMail]:
    """Every message the sink kept, oldest first."""
    if not maildir.exists():
        return []
    box = mailbox.Maildir(maildir, create=False)
    stored = sorted(box.iteritems(), key=lambda item: item[1].get_date())
    return [_read(key, message) for key, message in stored]


def _read(key: str, stored: mailbox.MaildirMessage) -> ReceivedMail:
    msg = message_from_bytes(stored.as_bytes(), policy=default_policy)
    body_part = msg.get_body(preferencelist=("plain", "html"))
    recipients = str(msg.get("X-RTW-Envelope-To", "")).split(",")
    return ReceivedMail(
        key=key,
        sender=str(msg.get("X-RTW-Envelope-From") or msg.get("From", "")),
        recipients=[r.strip() for r in recipients if r.strip()],
        subject=str(msg.get("Subject", "")),
        date=str(msg.get("Date", "")),
        body=body_part.get_content() if body_part is not None else "",
        message_id=str(msg.get("Message-ID", "")),
    )


class SmtpSink:
    name = NAME

    def __init__(self, settings: StackSettings):
        self.settings = settings

    def is_ready(self) -> bool:
        try:
            with smtplib.SMTP(self.settings.host, self.settings.smtp_port, timeout=2) as smtp:
                return smtp.noop()[0] == 250
        except (OSError, smtplib.SMTPException):
            return False

    def start(self) -> None:
        s = self.settings
        with ui.step(NAME, f"starting the SMTP sink on {s.host}:{s.smtp_port}"):
            procs.spawn(
                s,
                NAME,
                [
                    sys.executable,
                    "-m",
                    "rtw_devstack.smtp_sink",
                    "--host",
                    s.host,
                    "--port",
                    str(s.smtp_port),
                    "--maildir",
                    str(s.maildir),
                ],
            )
            if not procs.wait_until(self.is_ready, 20):
                raise procs.fail_with_log(s, NAME, "the SMTP sink did not start")

    def provision(self) -> None:
        """Nothing to provision: the realm is imported at start."""

    def stop(self) -> None:
        procs.terminate(self.settings, NAME, grace_seconds=10)

    def describe(self) -> str:
        return f"smtp://{self.settings.host}:{self.settings.smtp_port} (read it: `make mail`)"
