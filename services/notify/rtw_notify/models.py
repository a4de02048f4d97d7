"""Every ORM model of notify, imported in one place (for Alembic and the app)."""

from .cases.models import CaseCopy
from .contacts.models import EmailPreference, OrgContact
from .emails.models import OutgoingEmail
from .notifications.models import Notification, NotificationRead
from .webhooks.models import Webhook, WebhookAttempt, WebhookDelivery

__all__ = [
    "CaseCopy",
    "EmailPreference",
    "Notification",
    "NotificationRead",
    "OrgContact",
    "OutgoingEmail",
    "Webhook",
    "WebhookAttempt",
    "WebhookDelivery",
]
