"""The workspace's pages, one module per part of the working day; each makes its router with
`pages.page_router()` and is listed in `ROUTERS` (app.py includes them, after the sign-in routes)."""

from fastapi import APIRouter

from . import assessment, caseload, cases, inbox, new_case, plans, progress, report, sessions

# The order matters where paths overlap: `/cases/new` before `/cases/{case_id}`.
ROUTERS: list[APIRouter] = [
    caseload.router,
    new_case.router,
    cases.router,
    assessment.router,
    plans.router,
    sessions.router,
    progress.router,
    report.router,
    inbox.router,
]
