from alembic import context

from rtw_employer import models  # noqa: F401 — registers every table on the metadata
from rtw_employer.db import Base
from rtw_employer.settings import EmployerSettings
from rtw_shared.audit.tables import APPEND_ONLY_TABLES
from rtw_shared.migrations import run_env

settings = EmployerSettings()
run_env(
    context,
    Base.metadata,
    settings.migration_database_url or settings.database_url,
    append_only_tables=APPEND_ONLY_TABLES,
)
