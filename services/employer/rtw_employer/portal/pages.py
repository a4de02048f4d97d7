"""The portal as a web UI (rtw_shared.webui): its name, mount, role and tables, its templates (which say
things through the plain-words module), and the dependencies its pages declare."""

from __future__ import annotations

from pathlib import Path

from rtw_shared.webui.config import SignedIn, WebUIConfig
from rtw_shared.webui.pages import MaybeSignedIn, Refusal, RoleSession, WebUI

from . import wording
from .models import PortalLogin, PortalSession

__all__ = ["PORTAL", "EmployerSession", "MaybeSignedIn", "Refusal", "SignedIn", "safe_return_path"]

HERE = Path(__file__).parent
PORTAL = WebUI(
    WebUIConfig(
        name="portal",
        mount="/portal",
        role="employer",
        home="/portal/requests",
        home_label="Back to pending requests",
        product="employer portal",
        login_model=PortalLogin,
        session_model=PortalSession,
        templates_dir=HERE / "templates",
        static_dir=HERE / "static",
    ),
    words=wording,
)
EmployerSession = RoleSession  # a page only employers may see
safe_return_path = PORTAL.safe_return_path  # after signing in: only a path of the portal itself
