"""Every ORM model of workplan, imported in one place (for Alembic and the app)."""

from .cases.models import CaseCopy
from .plans.models import Plan

__all__ = ["CaseCopy", "Plan"]
