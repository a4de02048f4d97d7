"""HTTP endpoints for assessments: therapists of the case's clinic only."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from rtw_shared.auth import Therapist
from rtw_shared.web import UowDep

from . import service
from .schemas import AssessmentCreate, AssessmentList, AssessmentView

router = APIRouter(prefix="/v1/cases/{case_id}/assessments", tags=["assessments"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=AssessmentView)
def record_assessment(case_id: uuid.UUID, body: AssessmentCreate, principal: Therapist, uow: UowDep) -> AssessmentView:
    """Record an assessment: capacities on the demand scale, grip (three trials a hand), pain, COPM."""
    assessment = service.record_assessment(uow=uow, principal=principal, case_id=case_id, data=body)
    return AssessmentView.model_validate(assessment)


@router.get("", response_model=AssessmentList)
def list_assessments(case_id: uuid.UUID, principal: Therapist, uow: UowDep) -> AssessmentList:
    """The case's assessments, oldest first."""
    return AssessmentList(items=service.list_assessments(uow=uow, principal=principal, case_id=case_id))
