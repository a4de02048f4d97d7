"""Every ORM model of intake, imported in one place (for Alembic and the app). The audit log,
outbox, inbox and parked events are shared tables (rtw_shared.audit.tables, rtw_shared.event_tables)."""

from .cases.models import Assessment, Case, ConsentChange
from .organisations.models import Organisation
from .status.models import CaseStatusProjection
from .timeline.models import TimelineEntry

__all__ = ["Assessment", "Case", "CaseStatusProjection", "ConsentChange", "Organisation", "TimelineEntry"]
