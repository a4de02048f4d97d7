"""A development SMTP sink: accepts every message and keeps it in a Maildir folder, where people
(`rtw-stack mail`) and tests (`rtw_devstack.mail`) read it. It never relays anything.

Run: python -m rtw_devstack.smtp_sink --host 127.0.0.1 --port 51025 --maildir .data/mail"""

from __future__ import annotations

import argparse
import asyncio
import mailbox
import signal
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path
from typing import cast

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


class MaildirHandler:
    """Stores each accepted message, with the envelope recipients, in a Maildir."""

    def __init__(self, maildir: Path):
        self.box = mailbox.Maildir(maildir, create=True)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        # Bytes: the controller keeps aiosmtpd's default decode_data=False, so content is never text.
        content = cast(bytes, envelope.original_content or envelope.content)
        message = message_from_bytes(content, policy=default_policy)
        message["X-RTW-Envelope-From"] = envelope.mail_from or ""
        message["X-RTW-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.box.add(message)
        return "250 Message accepted for delivery"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=51025)
    parser.add_argument("--maildir", type=Path, required=True)
    args = parser.parse_args()
    controller = Controller(MaildirHandler(args.maildir), hostname=args.host, port=args.port)
    controller.start()
    print(f"smtp sink listening on {args.host}:{args.port}, keeping mail in {args.maildir}", flush=True)
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        loop.run_until_complete(stop.wait())
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
