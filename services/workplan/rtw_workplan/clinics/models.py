"""Each clinic's own numbers: its fee schedule and its progression thresholds. A clinic without a row
uses the deployment's defaults (WorkplanSettings: the product spec's fees, the spec's rule)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, Numeric, String, func, text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base


class ClinicSettings(Base):
    __tablename__ = "clinic_settings"

    clinic_org_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    fee_evaluation: Mapped[float] = mapped_column(Numeric(10, 2))
    fee_session: Mapped[float] = mapped_column(Numeric(10, 2))
    sessions_to_advance: Mapped[int] = mapped_column(Integer)
    pain_margin: Mapped[int] = mapped_column(Integer)
    # Information: a rise within one session of this much is shown beside the recommendation.
    regress_pain_rise: Mapped[int] = mapped_column(Integer)
    # Regress when pain after the last session is at least baseline + this.
    regress_pain_margin: Mapped[int] = mapped_column(Integer, server_default=text("2"))
    step_percent: Mapped[int] = mapped_column(Integer)
    revision: Mapped[int] = mapped_column(Integer)
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    __mapper_args__ = {"version_id_col": revision}
