"""What tells one web UI from another: its name, where it is mounted, the one role let in, where a
signed-in person starts, and the tables its sessions live in. Pure data: no I/O."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..auth import Principal

if TYPE_CHECKING:
    from .models import LoginRow, SessionRow


@dataclass(frozen=True)
class WebUIConfig:
    """One web application for people (the employer portal, the therapist's workspace)."""

    # Route names (`portal_login`), cookie names (`rtw_portal_session`), the static files' route name.
    name: str
    # Where it is mounted ("/portal"): its pages, cookies and static files live under it.
    mount: str
    # The one realm role let in; anyone else who signs in gets the app's `refused.html` (403).
    role: str
    # Where a signed-in person starts, and the words of a link back there from an error page.
    home: str
    home_label: str
    # Shown after the page title and beside "RTW" in the header ("employer portal").
    product: str
    # The service's two tables (rtw_shared.webui.models), on its own declarative base.
    login_model: type[LoginRow]
    session_model: type[SessionRow]
    # The app's own templates and static files; the shared ones (webui/…) are found after them.
    templates_dir: Path
    static_dir: Path

    def route(self, what: str) -> str:
        """The name of one of this UI's routes (`login` → `portal_login`): url_for and the audit rows use it."""
        return f"{self.name}_{what}"

    @property
    def static_route(self) -> str:
        return self.route("static")

    @property
    def session_cookie(self) -> str:
        return f"rtw_{self.name}_session"

    @property
    def login_cookie(self) -> str:
        return f"rtw_{self.name}_login"


@dataclass(frozen=True)
class SignedIn:
    """A signed-in browser: who it is, the form token its POSTs must carry, and the access token the pages
    call the services' APIs with (server-side only: it never reaches the browser)."""

    principal: Principal
    csrf_token: str
    access_token: str


@dataclass(frozen=True)
class SessionLimits:
    """How long a signed-in browser may sit idle, and stay signed in at most (from the service's settings)."""

    idle_minutes: int
    max_session_hours: int
