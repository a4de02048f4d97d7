"""Every ORM model of employer, imported in one place (for Alembic and the app)."""

from .accommodations.models import AccommodationRequest, PlanVersionSeen
from .cases.models import CaseCopy
from .portal.models import PortalLogin, PortalSession

__all__ = ["AccommodationRequest", "CaseCopy", "PlanVersionSeen", "PortalLogin", "PortalSession"]
