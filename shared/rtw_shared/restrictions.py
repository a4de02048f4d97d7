"""One restriction model for the case and its plans: a limit on one demand at one frequency, over a
period. The case's restrictions are copied into a plan's first draft as they are (dates kept), and a
plan's read back from the API is accepted again unchanged."""

from __future__ import annotations

from pydantic import Field, model_validator

from .schemas import InputModel
from .types import IsoDate
from .vocabulary import Demand, Frequency


class RestrictionIn(InputModel):
    """`start` empty: from now on (a plan's, from its first day); `review_date`: when the therapist
    reviews it (notify reminds them); `end`: when it stops applying, if known."""

    demand: Demand
    frequency: Frequency
    load_kg: float | None = Field(default=None, ge=0, le=1000)
    duration_min: float | None = Field(default=None, ge=0, le=1440)
    start: IsoDate | None = None
    review_date: IsoDate | None = None
    end: IsoDate | None = None

    @model_validator(mode="after")
    def _dates_in_order(self) -> RestrictionIn:
        if self.start and self.review_date and self.review_date < self.start:
            raise ValueError("review_date cannot be before start")
        if self.start and self.end and self.end < self.start:
            raise ValueError("end cannot be before start")
        return self
