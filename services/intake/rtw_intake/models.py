"""Every ORM model of intake, imported in one place (for Alembic and the app). The audit log,
outbox, inbox and parked events are shared tables (rtw_shared.audit.tables, rtw_shared.event_tables)."""

from .assessments.models import Assessment
from .cases.models import Case
from .consents.models import ConsentChange
from .status.models import CaseStatusProjection
from .timeline.models import TimelineEntry

__all__ = ["Assessment", "Case", "CaseStatusProjection", "ConsentChange", "TimelineEntry"]
