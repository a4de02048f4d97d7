"""Every query a web UI makes about its sign-ins and sessions, on the service's own tables (the classes
its `WebUIConfig` names)."""

from __future__ import annotations

from datetime import datetime
from typing import TypeVar

from sqlalchemy import delete
from sqlalchemy.orm import Session

from .models import LoginRow, SessionRow

Login = TypeVar("Login", bound=LoginRow)
Signed = TypeVar("Signed", bound=SessionRow)


def add(session: Session, row: LoginRow | SessionRow) -> None:
    """Store a new sign-in or session."""
    session.add(row)


def take_login(session: Session, model: type[Login], id_sha256: str) -> Login | None:
    """The sign-in in progress with this id, removed: a callback can use it once."""
    found: Login | None = session.execute(delete(model).where(model.id_sha256 == id_sha256).returning(model)).scalar()
    return found


def get_session(session: Session, model: type[Signed], id_sha256: str) -> Signed | None:
    """The session with this id, locked (two tabs refreshing its tokens take turns)."""
    return session.get(model, id_sha256, with_for_update=True)


def remove_session(session: Session, model: type[Signed], id_sha256: str) -> Signed | None:
    """End the session with this id; returns it (None: there was none)."""
    found: Signed | None = session.execute(delete(model).where(model.id_sha256 == id_sha256).returning(model)).scalar()
    return found


def prune(
    session: Session,
    logins: type[LoginRow],
    sessions: type[SessionRow],
    *,
    logins_before: datetime,
    idle_before: datetime,
    started_before: datetime,
) -> None:
    """Forget abandoned sign-ins and sessions that timed out (run at each sign-in)."""
    session.execute(delete(logins).where(logins.created_at < logins_before))
    session.execute(
        delete(sessions).where((sessions.last_seen_at < idle_before) | (sessions.created_at < started_before))
    )
