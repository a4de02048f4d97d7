"""SMTP delivery of one email row (text and HTML parts), through smtplib."""

from __future__ import annotations

import hashlib
import smtplib
from email.message import EmailMessage
from email.utils import formatdate

from .models import OutgoingEmail


def message_id(idempotency_key: str, mail_from: str) -> str:
    """A Message-ID fixed by the idempotency key, so a resend is recognisably the same message."""
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:40]
    domain = mail_from.rpartition("@")[2] or "rtw.example"
    return f"<{digest}@{domain}>"


class SmtpTransport:
    def __init__(self, host: str, port: int, mail_from: str, *, timeout: float = 10.0):
        self.host, self.port, self.mail_from, self.timeout = host, port, mail_from, timeout

    def build(self, email: OutgoingEmail) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.mail_from
        message["To"] = email.recipient
        message["Subject"] = email.subject
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = message_id(email.idempotency_key, self.mail_from)
        message.set_content(email.body)
        if email.html_body:  # a text part for every reader, and an HTML one for those who prefer it
            message.add_alternative(email.html_body, subtype="html")
        return message

    def send(self, email: OutgoingEmail) -> None:
        """Hand one email to the SMTP server; raises (OSError, SMTPException, …) when it is not accepted."""
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            smtp.send_message(self.build(email))
