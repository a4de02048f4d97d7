"""Every ORM model of notify, imported in one place (for Alembic and the app)."""

from .cases.models import CaseCopy
from .emails.models import OutgoingEmail
from .notifications.models import Notification

__all__ = ["CaseCopy", "Notification", "OutgoingEmail"]
