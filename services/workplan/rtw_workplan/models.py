"""Every ORM model of workplan, imported in one place (for Alembic and the app)."""

from .cases.models import CaseCopy
from .clinics.models import ClinicSettings
from .plans.models import Plan
from .progress.models import ProgressionDecision, Review, SessionRevision, TreatmentSession

__all__ = ["CaseCopy", "ClinicSettings", "Plan", "ProgressionDecision", "Review", "SessionRevision", "TreatmentSession"]
