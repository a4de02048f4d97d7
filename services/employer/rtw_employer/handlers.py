"""Every event employer consumes, and what applies it."""

from rtw_shared.messaging import topics

from .accommodations.handlers import HANDLERS as ACCOMMODATION_HANDLERS
from .cases.handlers import HANDLERS as CASE_HANDLERS

TOPICS = [topics.CASE.name, topics.PLAN.name]
HANDLERS = {**CASE_HANDLERS, **ACCOMMODATION_HANDLERS}
