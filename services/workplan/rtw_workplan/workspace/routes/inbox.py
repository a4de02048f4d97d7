"""The therapist's inbox: notify's notifications addressed to them (or to their clinic in their role),
each linked to the case it is about, marked read one by one — through notify's API as the therapist."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Query, Request, Response
from fastapi.responses import RedirectResponse

from ..api import ApisDep
from ..pages import WORKSPACE, FormDep, TherapistSession, check_form_token, page_router, query_string

router = page_router()
PAGE = 50


@router.get("/inbox", name="clinic_inbox")
def inbox(
    request: Request,
    signed: TherapistSession,
    apis: ApisDep,
    unread: bool = False,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    """Newest first; `unread=true` for what the therapist has not read yet."""
    answer = apis.notify.get("/v1/notifications", {"unread": unread, "limit": PAGE, "cursor": cursor})
    return WORKSPACE.render(
        request,
        "inbox.html",
        active="inbox",
        items=answer.body["items"],
        unread=unread,
        next_cursor=answer.body.get("next_cursor"),
        first_page=cursor is None,
    )


@router.post("/inbox/{notification_id}/read", name="clinic_mark_read")
def mark_read(
    request: Request, notification_id: uuid.UUID, signed: TherapistSession, apis: ApisDep, form: FormDep
) -> Response:
    """Mark one notification read (for this therapist only), then back to the inbox as it was."""
    check_form_token(signed, form)
    apis.notify.post(f"/v1/notifications/{notification_id}/read")
    back = query_string({"unread": (form.get("unread") or [""])[0] == "true"})
    return RedirectResponse(f"{WORKSPACE.config.mount}/inbox" + (f"?{back}" if back else ""), status_code=303)
