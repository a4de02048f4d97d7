"""Every ORM model of workplan, imported in one place (for Alembic and the app)."""

from .cases.models import CaseCopy
from .clinics.models import ClinicSettings
from .plans.models import AccommodationRequest, Plan
from .progress.models import ProgressionDecision, Review, SessionRevision, TreatmentSession
from .workspace.models import ClinicLogin, ClinicSession

__all__ = [
    "AccommodationRequest",
    "CaseCopy",
    "ClinicLogin",
    "ClinicSession",
    "ClinicSettings",
    "Plan",
    "ProgressionDecision",
    "Review",
    "SessionRevision",
    "TreatmentSession",
]
