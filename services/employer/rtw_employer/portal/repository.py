"""Every query the portal makes about its sign-ins and sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.orm import Session

from .models import PortalLogin, PortalSession


def add(session: Session, row: PortalLogin | PortalSession) -> None:
    """Store a new sign-in or session."""
    session.add(row)


def take_login(session: Session, id_sha256: str) -> PortalLogin | None:
    """The sign-in in progress with this id, removed: a callback can use it once."""
    return session.execute(
        delete(PortalLogin).where(PortalLogin.id_sha256 == id_sha256).returning(PortalLogin)
    ).scalar()


def get_session(session: Session, id_sha256: str) -> PortalSession | None:
    """The session with this id, locked (two tabs refreshing its tokens take turns)."""
    return session.get(PortalSession, id_sha256, with_for_update=True)


def remove_session(session: Session, id_sha256: str) -> PortalSession | None:
    """End the session with this id; returns it (None: there was none)."""
    query = delete(PortalSession).where(PortalSession.id_sha256 == id_sha256).returning(PortalSession)
    return session.execute(query).scalar()


def prune(session: Session, *, logins_before: datetime, idle_before: datetime, started_before: datetime) -> None:
    """Forget abandoned sign-ins and sessions that timed out (run at each sign-in)."""
    session.execute(delete(PortalLogin).where(PortalLogin.created_at < logins_before))
    session.execute(
        delete(PortalSession).where(
            (PortalSession.last_seen_at < idle_before) | (PortalSession.created_at < started_before)
        )
    )
