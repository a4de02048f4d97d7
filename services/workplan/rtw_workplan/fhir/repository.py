"""The queries workplan's FHIR API adds: a case's plan versions, a plan version by one of its goals, and a
review by id."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager

from ..plans.models import Plan
from ..progress.models import Review


def plans_of_case(session: Session, case_id: uuid.UUID) -> list[Plan]:
    """Every version of the case's plan, with its case, in version order."""
    query = select(Plan).join(Plan.case).options(contains_eager(Plan.case)).where(Plan.case_id == case_id)
    return list(session.scalars(query.order_by(Plan.version)))


def case_of_goal(session: Session, goal_id: uuid.UUID, version: int) -> uuid.UUID | None:
    """The case whose plan version `version` holds the goal `goal_id`."""
    holds = Plan.content["goals"].contains([{"id": str(goal_id)}])
    return session.scalar(select(Plan.case_id).where(holds, Plan.version == version).limit(1))


def review(session: Session, review_id: uuid.UUID) -> Review | None:
    """One review by id."""
    return session.get(Review, review_id)
