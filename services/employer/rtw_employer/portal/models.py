"""The portal's server-side state: sign-ins in progress and signed-in sessions. The browser holds
only a random id in a cookie; the database keeps its SHA-256 (a leaked table yields no usable
cookie) next to the Keycloak tokens, which never reach the browser."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base


class PortalLogin(Base):
    """A sign-in on its way through Keycloak: what the callback must find again (state, nonce and
    the PKCE verifier), bound to the browser that started it by the login cookie."""

    __tablename__ = "portal_logins"

    id_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[str] = mapped_column(String(128))
    nonce: Mapped[str] = mapped_column(String(128))
    code_verifier: Mapped[str] = mapped_column(String(128))
    return_to: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class PortalSession(Base):
    """A signed-in browser: who it is (from the access token) and the tokens to refresh and end it."""

    __tablename__ = "portal_sessions"
    __table_args__ = (Index("ix_portal_sessions_last_seen_at", "last_seen_at"),)  # pruning idle sessions

    id_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    subject: Mapped[str] = mapped_column(String(64))
    username: Mapped[str] = mapped_column(String(255))
    csrf_token: Mapped[str] = mapped_column(String(64))
    access_token: Mapped[str] = mapped_column(Text)
    access_expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    refresh_token: Mapped[str | None] = mapped_column(Text)
    id_token: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
