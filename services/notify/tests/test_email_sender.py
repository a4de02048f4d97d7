"""The email sender against the real SMTP sink: rows first, sent once, failures kept and retried."""

from __future__ import annotations

import mailbox
import socket
import threading
import time

from sqlalchemy import text

from rtw_notify.emails.sender import EmailSender
from rtw_notify.emails.service import BACKOFF_SECONDS, MAX_ATTEMPTS
from rtw_notify.emails.transport import message_id
from rtw_notify.worker import spec
from rtw_shared.worker import LoopContext


def one_email(engine) -> dict:
    with engine.connect() as conn:
        [row] = conn.execute(text("SELECT * FROM emails")).mappings().all()
    return dict(row)


def outbox_types(engine) -> list[str]:
    with engine.connect() as conn:
        return conn.execute(text("SELECT event_type FROM outbox ORDER BY id")).scalars().all()


def mail_about(rtw_infra, reference: str):
    return [m for m in rtw_infra.received_mail() if reference in m.subject]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def decided_case(apply, events, subject_of):
    case = events.case_created(therapist_id=subject_of("tara"))
    apply(case)
    return case, apply(events.decided(case))


def test_a_pending_email_is_delivered_once_and_announced(
    apply, events, subject_of, engine, notify_settings, rtw_infra, loops
):
    case, envelope = decided_case(apply, events, subject_of)
    sender = EmailSender(loops)
    assert sender.send_pending_once() == 1
    [mail] = mail_about(rtw_infra, case.reference)
    assert mail.recipients == ["tara@clinic-north.example"]
    assert mail.sender == notify_settings.mail_from
    assert mail.subject == f"Accommodation confirmed for case {case.reference}"
    row = one_email(engine)
    assert (row["status"], row["attempts"]) == ("sent", 1) and row["sent_at"] is not None
    assert outbox_types(engine) == ["rtw.notification.delivered.v1"]
    stored = mailbox.Maildir(rtw_infra.maildir, create=False)[mail.key]
    assert stored["Message-ID"] == message_id(f"{envelope.id}:email:therapist", notify_settings.mail_from)
    assert sender.send_pending_once() == 0
    assert len(mail_about(rtw_infra, case.reference)) == 1
    assert outbox_types(engine) == ["rtw.notification.delivered.v1"]


def test_an_unreachable_server_keeps_the_row_pending_with_backoff(
    apply, events, subject_of, engine, notify_settings, rtw_infra, loops, clock
):
    case, _ = decided_case(apply, events, subject_of)
    broken = notify_settings.model_copy(update={"smtp_port": closed_port()})
    assert EmailSender(LoopContext(engine, broken, clock)).send_pending_once() == 0
    row = one_email(engine)
    assert (row["status"], row["attempts"]) == ("pending", 1)
    assert row["last_error"] and row["next_attempt_at"] > row["created_at"]
    assert outbox_types(engine) == []
    # Not due yet: the working server does not get it before its backoff has passed.
    assert EmailSender(loops).send_pending_once() == 0
    assert mail_about(rtw_infra, case.reference) == []
    clock.move(seconds=BACKOFF_SECONDS)  # once it has passed, the email goes
    assert EmailSender(loops).send_pending_once() == 1


def test_after_five_failed_attempts_the_email_is_failed(apply, events, subject_of, engine, notify_settings, clock):
    decided_case(apply, events, subject_of)
    sender = EmailSender(LoopContext(engine, notify_settings.model_copy(update={"smtp_port": closed_port()}), clock))
    for _ in range(MAX_ATTEMPTS):
        sender.send_pending_once()
        clock.move(hours=1)  # past any backoff
    row = one_email(engine)
    assert (row["status"], row["attempts"]) == ("failed", MAX_ATTEMPTS)
    clock.move(days=1)
    assert sender.send_pending_once() == 0
    assert one_email(engine)["attempts"] == MAX_ATTEMPTS


def test_the_worker_runs_the_sender_which_sends_and_stops_promptly(
    apply, events, subject_of, engine, notify_settings, rtw_infra, loops
):
    make = spec(notify_settings).extra_loops[0]  # the email sender
    sender = make(loops)
    thread = threading.Thread(target=sender.run)
    thread.start()
    case, _ = decided_case(apply, events, subject_of)
    deadline = time.monotonic() + 10
    while not mail_about(rtw_infra, case.reference) and time.monotonic() < deadline:
        time.sleep(0.1)
    sender.stop()
    thread.join(timeout=3)
    assert not thread.is_alive()
    assert len(mail_about(rtw_infra, case.reference)) == 1
    assert one_email(engine)["status"] == "sent"
