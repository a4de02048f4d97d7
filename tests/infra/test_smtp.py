"""The development SMTP sink keeps what it receives where tests and people can read it."""

from __future__ import annotations

import smtplib
import time
import uuid
from email.message import EmailMessage


def test_sent_message_can_be_read_back(rtw_infra):
    subject = f"RTW test {uuid.uuid4().hex}"
    message = EmailMessage()
    message["From"] = "rtw@localhost"
    message["To"] = "tara@clinic-north.example"
    message["Subject"] = subject
    message.set_content("Plan published for case RTW-2026-000123.")
    with smtplib.SMTP(rtw_infra.smtp_host, rtw_infra.smtp_port, timeout=10) as smtp:
        smtp.send_message(message)
    deadline = time.monotonic() + 10
    found = []
    while not found and time.monotonic() < deadline:
        found = [m for m in rtw_infra.received_mail() if m.subject == subject]
        time.sleep(0.1)
    assert len(found) == 1
    assert found[0].recipients == ["tara@clinic-north.example"]
    assert "RTW-2026-000123" in found[0].body
