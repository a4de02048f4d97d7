"""The workspace as a web UI (rtw_shared.webui): its name, mount, role and tables, its templates (which say
things through `words`, the workspace's plain-words module), and what its pages share — the signed-in
therapist (`TherapistSession`), reading a posted form (`FormDep`), the CSRF check, and rendering.

Every page module under `routes/` makes its router with `page_router()`, so refusals and errors become
pages (rtw_shared.webui.pages) and the UI's dependencies know which UI serves the request."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from starlette.datastructures import FormData

from rtw_shared.webui.config import SignedIn, WebUIConfig
from rtw_shared.webui.pages import RoleSession, WebUI

from . import wording
from .models import ClinicLogin, ClinicSession

__all__ = ["WORKSPACE", "FormDep", "Posted", "SignedIn", "TherapistSession", "check_form_token", "page_router"]

HERE = Path(__file__).parent
MOUNT = "/clinic"
WORKSPACE = WebUI(
    WebUIConfig(
        name="clinic",
        mount=MOUNT,
        role="therapist",
        home=f"{MOUNT}/cases",
        home_label="Back to your caseload",
        product="therapist's workspace",
        login_model=ClinicLogin,
        session_model=ClinicSession,
        templates_dir=HERE / "templates",
        static_dir=HERE / "static",
    ),
    words=wording,
    query=lambda **params: query_string(params),
    value=lambda form, name, index=0: form_value(form, name, index),
)
TherapistSession = RoleSession  # a page only therapists may see (anyone else: refused.html, 403)
# A posted form, every field as the list of values it was sent with (rows of a table post one per row).
Posted = dict[str, list[str]]


def query_string(params: dict[str, object]) -> str:
    """`who=mine&q=lopez`: the parameters that have a value (an empty filter is no filter)."""
    return urlencode({name: value for name, value in params.items() if value not in (None, "", False)})


def form_value(form: Posted | None, name: str, index: int = 0) -> str:
    """What a form field held (its `index`-th value, for a table's rows), to show a form again as it was sent."""
    values = (form or {}).get(name) or []
    return values[index] if index < len(values) else ""


def page_router() -> APIRouter:
    """A router of workspace pages: under /clinic, out of the OpenAPI document, errors as pages."""
    return APIRouter(prefix=MOUNT, route_class=WORKSPACE.route_class, include_in_schema=False)


async def posted_form(request: Request) -> Posted:
    """The request's form, read once: each field with all its values (a page's `form: FormDep`)."""
    form: FormData = await request.form()
    return {name: [str(value) for value in form.getlist(name)] for name in form}


FormDep = Annotated[Posted, Depends(posted_form)]


def check_form_token(signed: SignedIn, form: Posted) -> None:
    """Refuse a form without this session's CSRF token (403, nothing changed)."""
    WORKSPACE.check_form_token(signed, (form.get("csrf_token") or [""])[0])
