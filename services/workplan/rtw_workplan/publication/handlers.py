"""What publishes a plan without a request: the therapist accepting an employer's counter-proposal
(`accommodation.decided` with `counter_accepted`) publishes the agreed version (agreement.py)."""

from __future__ import annotations

from functools import lru_cache
from typing import cast

from rtw_shared.events import AccommodationDecidedV1, Envelope
from rtw_shared.messaging.wiring import handles
from rtw_shared.uow import UnitOfWork

from ..rules.projections import FeeSchedule
from ..settings import WorkplanSettings
from . import agreement


@lru_cache(maxsize=1)
def deployment_fees() -> FeeSchedule:
    """The deployment's fee schedule (RTW_WORKPLAN_FEE_*), for clinics that set none: what the API uses too."""
    settings = WorkplanSettings()
    return FeeSchedule(evaluation=settings.fee_evaluation, session=settings.fee_session)


@handles(AccommodationDecidedV1)
def on_accommodation_decided(uow: UnitOfWork, envelope: Envelope) -> None:
    """An accepted counter-proposal becomes the plan: its version published (other decisions change no plan).
    The consumer commits."""
    agreement.publish_agreement(uow=uow, event=cast(AccommodationDecidedV1, envelope.data), fees=deployment_fees())
