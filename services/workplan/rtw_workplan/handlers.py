"""Every event workplan consumes, and what applies it."""

from rtw_shared.messaging import topics

from .cases.handlers import HANDLERS as CASE_HANDLERS

TOPICS = [topics.CASE.name]
HANDLERS = {**CASE_HANDLERS}
