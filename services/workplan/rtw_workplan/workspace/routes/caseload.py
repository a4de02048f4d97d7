"""The caseload (the workspace's home): the clinic's cases — the therapist's own by default, the whole
clinic a click away — with what needs the therapist next; searched by name, reference or claim number
and filtered by status. The cases come from intake's API, the requests from employer's and the unread
notifications from notify's, all as the therapist; the plans and progress from workplan's own use cases."""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Annotated, Any, Literal

from fastapi import Query, Request, Response

from rtw_shared.web import UowDep

from ...dependencies import FeesDep
from ..api import Answer, ApisDep, lenient
from ..caseload import plan_facts
from ..needs import needs_of
from ..pages import MOUNT, WORKSPACE, TherapistSession, page_router
from ..wording import STATUSES

router = page_router()
OPEN_REQUESTS = 200  # the clinic's countered and expired requests looked at for the caseload's flags


@router.get("/cases", name="clinic_caseload")
def caseload(
    request: Request,
    uow: UowDep,
    signed: TherapistSession,
    apis: ApisDep,
    fees: FeesDep,
    who: Literal["mine", "clinic"] = "mine",
    q: Annotated[str | None, Query(max_length=100)] = None,
    status: Annotated[str | None, Query(max_length=20)] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> Response:
    """A page of cases, most recently changed first, each with what needs the therapist next."""
    search = (q or "").strip() or None
    status = status if status in STATUSES else None  # "any status" posts an empty one
    params = {"limit": request.app.state.settings.clinic_page_size, "mine": who == "mine"}
    cases, unread, countered, expired = apis.together(
        lambda: apis.intake.get("/v1/cases", {**params, "q": search, "status": status, "cursor": cursor}),
        lenient(lambda: apis.notify.get("/v1/notifications", {"unread": True, "limit": 200})),
        lenient(lambda: apis.employer.get("/v1/accommodations", {"status": "countered", "limit": OPEN_REQUESTS})),
        lenient(lambda: apis.employer.get("/v1/accommodations", {"status": "expired", "limit": OPEN_REQUESTS})),
    )
    items: list[dict[str, Any]] = cases.body["items"]
    facts = plan_facts(uow=uow, principal=signed.principal, case_ids=[uuid.UUID(c["id"]) for c in items], fees=fees)
    unread_by_case = Counter(n["case_id"] for n in _items(unread) if n.get("case_id"))
    requests = [*_items(countered), *_items(expired)]
    today = request.app.state.clock().date()
    rows = [
        {
            "case": case,
            "plans": facts.get(uuid.UUID(case["id"]), []),
            "needs": needs_of(
                case,
                plans=facts.get(uuid.UUID(case["id"]), []),
                requests=[r for r in requests if r["case_id"] == case["id"]],
                unread=unread_by_case[case["id"]],
                today=today,
                mount=MOUNT,
            ),
        }
        for case in items
    ]
    return WORKSPACE.render(
        request,
        "caseload.html",
        active="caseload",
        rows=rows,
        who=who,
        q=search or "",
        status=status or "",
        next_cursor=cases.body.get("next_cursor"),
        first_page=cursor is None,
        unread_total=len(_items(unread)) if unread.ok else None,
        unavailable=[a.error.service for a in (unread, countered, expired) if a.error is not None],
    )


def _items(answer: Answer) -> list[dict[str, Any]]:
    return list(answer.body.get("items", [])) if answer.ok and answer.body else []
