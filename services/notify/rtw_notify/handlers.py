"""Every event notify consumes, and what applies it."""

from rtw_shared.messaging import topics

from .cases.handlers import HANDLERS as CASE_HANDLERS
from .notifications.handlers import HANDLERS as NOTIFICATION_HANDLERS

TOPICS = [topics.CASE.name, topics.ACCOMMODATION.name]
HANDLERS = {**CASE_HANDLERS, **NOTIFICATION_HANDLERS}
