"""The workspace's server-side state: sign-ins in progress and signed-in sessions, in workplan's database
(the columns are every web UI's: rtw_shared.webui.models)."""

from __future__ import annotations

from sqlalchemy import Index

from rtw_shared.webui.models import LoginRow, SessionRow

from ..db import Base


class ClinicLogin(LoginRow, Base):
    """A sign-in to the workspace on its way through Keycloak."""

    __tablename__ = "clinic_logins"


class ClinicSession(SessionRow, Base):
    """A browser signed in to the workspace."""

    __tablename__ = "clinic_sessions"
    __table_args__ = (Index("ix_clinic_sessions_last_seen_at", "last_seen_at"),)  # pruning idle sessions
