"""Every ORM model of employer, imported in one place (for Alembic and the app)."""

from .accommodations.models import AccommodationRequest
from .cases.models import CaseCopy

__all__ = ["AccommodationRequest", "CaseCopy"]
