from alembic import context

from rtw_intake import models  # noqa: F401 — registers every table on the metadata
from rtw_intake.db import Base
from rtw_intake.settings import IntakeSettings
from rtw_shared.audit.tables import APPEND_ONLY_TABLES
from rtw_shared.migrations import run_env

settings = IntakeSettings()
# The service's own role may only append to these: not the audit log, nor the record of the worker's consents.
run_env(
    context,
    Base.metadata,
    settings.migration_database_url or settings.database_url,
    append_only_tables=(*APPEND_ONLY_TABLES, "case_consents"),
)
