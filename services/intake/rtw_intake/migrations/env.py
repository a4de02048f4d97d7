from alembic import context

from rtw_intake import models  # noqa: F401 — registers every table on the metadata
from rtw_intake.db import Base
from rtw_intake.settings import IntakeSettings
from rtw_shared.migrations import run_env

settings = IntakeSettings()
# The audit log is append-only for the service: not even its own role may change a row.
run_env(context, Base.metadata, settings.migration_database_url or settings.database_url,
        append_only_tables=("audit_log",))
