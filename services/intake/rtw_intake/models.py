"""Every ORM model of intake, imported in one place (for Alembic and the app)."""

from .assessments.models import Assessment
from .audit.models import AuditEntry
from .cases.models import Case
from .status.models import CaseStatusProjection
from .timeline.models import TimelineEntry

__all__ = ["Assessment", "AuditEntry", "Case", "CaseStatusProjection", "TimelineEntry"]
