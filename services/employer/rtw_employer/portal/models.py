"""The portal's server-side state: sign-ins in progress and signed-in sessions, in employer's database
(the columns are every web UI's: rtw_shared.webui.models)."""

from __future__ import annotations

from sqlalchemy import Index

from rtw_shared.webui.models import LoginRow, SessionRow

from ..db import Base


class PortalLogin(LoginRow, Base):
    """A sign-in to the portal on its way through Keycloak."""

    __tablename__ = "portal_logins"


class PortalSession(SessionRow, Base):
    """A browser signed in to the portal."""

    __tablename__ = "portal_sessions"
    __table_args__ = (Index("ix_portal_sessions_last_seen_at", "last_seen_at"),)  # pruning idle sessions
