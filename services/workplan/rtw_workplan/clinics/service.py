"""A clinic's numbers: read (defaults when never set), replace (If-Match), and the two things the rest of
workplan needs from them — the fee schedule and the progression rule."""

from __future__ import annotations

from dataclasses import dataclass

from rtw_shared.auth import Principal
from rtw_shared.concurrency import check_if_match
from rtw_shared.uow import UnitOfWork

from ..rules.progression import Thresholds
from ..rules.projections import FeeSchedule
from . import repository
from .models import ClinicSettings
from .schemas import ClinicSettingsIn, ClinicSettingsView


@dataclass(frozen=True)
class ClinicRules:
    """What a clinic's plans are costed and progressed with."""

    fees: FeeSchedule
    thresholds: Thresholds
    revision: int  # 0: the defaults (never written), as the ETag
    row: ClinicSettings | None


def rules_for(*, uow: UnitOfWork, clinic_org_id: str, defaults: FeeSchedule) -> ClinicRules:
    """The clinic's fee schedule and thresholds (the deployment's defaults until it sets its own)."""
    row = repository.get(uow.session, clinic_org_id)
    if row is None:
        return ClinicRules(defaults, Thresholds(), 0, None)
    fees = FeeSchedule(evaluation=float(row.fee_evaluation), session=float(row.fee_session))
    thresholds = Thresholds(
        sessions_to_advance=row.sessions_to_advance,
        pain_margin=row.pain_margin,
        regress_pain_margin=row.regress_pain_margin,
        regress_pain_rise=row.regress_pain_rise,
        step=row.step_percent / 100,
    )
    return ClinicRules(fees, thresholds, row.revision, row)


def view(clinic_org_id: str, rules: ClinicRules) -> ClinicSettingsView:
    """The API's view of a clinic's rules."""
    t = rules.thresholds
    return ClinicSettingsView(
        clinic_org_id=clinic_org_id,
        fee_evaluation=rules.fees.evaluation,
        fee_session=rules.fees.session,
        sessions_to_advance=t.sessions_to_advance,
        pain_margin=t.pain_margin,
        regress_pain_margin=t.regress_pain_margin,
        regress_pain_rise=t.regress_pain_rise,
        step_percent=round(t.step * 100),
        customised=rules.row is not None,
        updated_at=rules.row.updated_at if rules.row else None,
    )


def replace_settings(
    *, uow: UnitOfWork, principal: Principal, data: ClinicSettingsIn, defaults: FeeSchedule, if_match: str | None
) -> ClinicRules:
    """Replace the caller's clinic's numbers (412 when If-Match is stale; "0" names the defaults)."""
    row = repository.get(uow.session, principal.org_id, for_update=True)
    check_if_match(if_match, row.revision if row else 0, what=f"the settings of {principal.org_id}")
    if row is None:
        row = ClinicSettings(clinic_org_id=principal.org_id, **data.model_dump(), updated_by=principal.subject)
        repository.add(uow.session, row)
    else:
        for name, value in data.model_dump().items():
            setattr(row, name, value)
        row.updated_by = principal.subject
    uow.session.flush()
    uow.session.refresh(row, ["updated_at"])
    uow.commit()
    return rules_for(uow=uow, clinic_org_id=principal.org_id, defaults=defaults)
