"""HTTP endpoints for the session log: record (Idempotency-Key), correct (a new revision, If-Match),
read (therapists only), and decide on a progression recommendation."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Body, Header, Query, Response, status

from rtw_shared.auth import Therapist
from rtw_shared.concurrency import IfMatch, set_etag
from rtw_shared.uow import UnitOfWork
from rtw_shared.web import UowDep

from ..dependencies import FeesDep
from ..progress.models import TreatmentSession
from ..rules.projections import FeeSchedule
from . import examples, service
from .schemas import DecisionIn, DecisionView, SessionCorrectionIn, SessionDetail, SessionIn, SessionList, SessionView

router = APIRouter(prefix="/v1/plans", tags=["sessions"])

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        pattern=r"^[\x21-\x7e]+$",
        description="any unique text per session: a retry with the same key and body records it once",
    ),
]


def _view(row: TreatmentSession, recommendations: Sequence[service.Recommended] = ()) -> dict[str, object]:
    return {
        **row.content,
        "id": row.id,
        "case_id": row.case_id,
        "plan_id": row.plan_id,
        "revision": row.revision,
        "recorded_by": row.recorded_by,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
        "recommendations": [
            {
                "activity_id": r.result.activity_id,
                "name": r.name,
                "kind": r.result.kind,
                "demand": r.result.demand,
                "frequency": r.result.frequency,
                "action": r.recommendation.action,
                "reason": r.recommendation.reason,
                "information": r.recommendation.information,
                "next_prescription": asdict(r.recommendation.next_prescription),
            }
            for r in recommendations
        ],
    }


def _with_recommendations(uow: UnitOfWork, row: TreatmentSession, fees: FeeSchedule) -> dict[str, object]:
    return _view(row, service.recommendations(uow=uow, row=row, fees=fees))


@router.post("/{plan_id}/sessions", status_code=status.HTTP_201_CREATED, response_model=SessionView)
def log_session(
    plan_id: uuid.UUID,
    body: Annotated[SessionIn, Body(openapi_examples=examples.LOG_SESSION)],
    principal: Therapist,
    uow: UowDep,
    fees: FeesDep,
    response: Response,
    idempotency_key: IdempotencyKey = None,
) -> SessionView:
    """Record a session of the plan in force, with the progression recommendation per activity it leads to.
    Send an Idempotency-Key: a retry with the same key and body answers the same session (no second one)."""
    row, replayed = service.log_session(
        uow=uow,
        principal=principal,
        plan_id=plan_id,
        data=body,
        idempotency_key=idempotency_key,
        fees=fees,
    )
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    set_etag(response, row.revision)
    response.headers["Location"] = f"/v1/plans/{plan_id}/sessions/{row.id}"
    return SessionView.model_validate(_with_recommendations(uow, row, fees))


@router.get("/{plan_id}/sessions", response_model=SessionList)
def list_sessions(
    plan_id: uuid.UUID,
    principal: Therapist,
    uow: UowDep,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> SessionList:
    """The session log of the plan's case (every version's), most recently recorded first."""
    rows, next_cursor = service.list_sessions(uow=uow, principal=principal, plan_id=plan_id, cursor=cursor, limit=limit)
    return SessionList(items=[SessionView.model_validate(_view(row)) for row in rows], next_cursor=next_cursor)


@router.get("/{plan_id}/sessions/{session_id}", response_model=SessionDetail)
def get_session(
    plan_id: uuid.UUID, session_id: uuid.UUID, principal: Therapist, uow: UowDep, fees: FeesDep, response: Response
) -> SessionDetail:
    """One session: its current revision, every earlier one, and the recommendations it led to."""
    row, revisions = service.get_session(uow=uow, principal=principal, plan_id=plan_id, session_id=session_id)
    set_etag(response, row.revision)
    history = [
        {
            "revision": r.revision,
            "reason": r.reason,
            "recorded_by": r.recorded_by,
            "recorded_at": r.recorded_at,
            "session": r.content,
        }
        for r in revisions
    ]
    return SessionDetail.model_validate({**_with_recommendations(uow, row, fees), "revisions": history})


@router.post("/{plan_id}/sessions/{session_id}/revisions", response_model=SessionView)
def correct_session(
    plan_id: uuid.UUID,
    session_id: uuid.UUID,
    body: SessionCorrectionIn,
    principal: Therapist,
    uow: UowDep,
    fees: FeesDep,
    response: Response,
    if_match: IfMatch = None,
) -> SessionView:
    """Correct a session: the whole corrected session and why. The earlier revision stays readable."""
    row = service.correct_session(
        uow=uow,
        principal=principal,
        plan_id=plan_id,
        session_id=session_id,
        correction=body,
        if_match=if_match,
        fees=fees,
    )
    set_etag(response, row.revision)
    return SessionView.model_validate(_with_recommendations(uow, row, fees))


@router.post(
    "/{plan_id}/sessions/{session_id}/decisions", status_code=status.HTTP_201_CREATED, response_model=DecisionView
)
def decide(
    plan_id: uuid.UUID, session_id: uuid.UUID, body: DecisionIn, principal: Therapist, uow: UowDep, fees: FeesDep
) -> DecisionView:
    """Accept the recommendation for one activity of the session, or override it with a reason: the next
    prescription follows; the recommendation and the decision are both kept."""
    decision = service.decide(
        uow=uow, principal=principal, plan_id=plan_id, session_id=session_id, data=body, fees=fees
    )
    return DecisionView.model_validate(decision, from_attributes=True)
