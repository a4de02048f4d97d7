from alembic import context

from rtw_shared.audit.tables import APPEND_ONLY_TABLES
from rtw_shared.migrations import run_env
from rtw_workplan import models  # noqa: F401 — registers every table on the metadata
from rtw_workplan.db import Base
from rtw_workplan.settings import WorkplanSettings

settings = WorkplanSettings()
# The audit log is append-only for the service: not even its own role may change a row; nor may it
# change a session's recorded revisions, a review or a progression decision (corrections add rows).
WORKPLAN_APPEND_ONLY = ("session_revisions", "reviews", "progression_decisions")
run_env(
    context,
    Base.metadata,
    settings.migration_database_url or settings.database_url,
    append_only_tables=(*APPEND_ONLY_TABLES, *WORKPLAN_APPEND_ONLY),
)
