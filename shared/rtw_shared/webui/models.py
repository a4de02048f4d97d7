"""A web UI's server-side state: sign-ins in progress and signed-in sessions. The browser holds only a
random id in a cookie; the database keeps its SHA-256 (a leaked table yields no usable cookie) next to
the Keycloak tokens, which never reach the browser.

Each service declares its two tables from these mixins on its own declarative base, so they live in its
own database and metadata (employer: `portal_logins`, `portal_sessions`; workplan: `clinic_logins`,
`clinic_sessions`), and creates them in a migration (`tables.create_session_tables`)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import DateTime, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column


class LoginRow:
    """A sign-in on its way through Keycloak: what the callback must find again (state, nonce and the
    PKCE verifier), bound to the browser that started it by the login cookie."""

    if TYPE_CHECKING:  # the service's class is mapped: its constructor takes the columns

        def __init__(self, **columns: Any) -> None: ...

    id_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    state: Mapped[str] = mapped_column(String(128))
    nonce: Mapped[str] = mapped_column(String(128))
    code_verifier: Mapped[str] = mapped_column(String(128))
    return_to: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class SessionRow:
    """A signed-in browser: who it is (from the access token) and the tokens to refresh and end it. The
    table also needs an index on `last_seen_at` (pruning idle sessions): `__table_args__` of the service's
    class names it, as `tables.create_session_tables` does."""

    if TYPE_CHECKING:

        def __init__(self, **columns: Any) -> None: ...

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
