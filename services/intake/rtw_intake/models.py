"""Every ORM model of intake, imported in one place (for Alembic and the app)."""

from .cases.models import Case
from .status.models import CaseStatusProjection

__all__ = ["Case", "CaseStatusProjection"]
