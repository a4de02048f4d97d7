"""Every event intake consumes, and what applies it."""

from rtw_shared.messaging import topics

from .status.handlers import HANDLERS as STATUS_HANDLERS

TOPICS = [topics.PLAN.name, topics.ACCOMMODATION.name]
HANDLERS = {**STATUS_HANDLERS}
