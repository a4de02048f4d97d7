from alembic import context

from rtw_notify import models  # noqa: F401 — registers every table on the metadata
from rtw_notify.db import Base
from rtw_notify.settings import NotifySettings
from rtw_shared.audit.tables import APPEND_ONLY_TABLES
from rtw_shared.migrations import run_env

settings = NotifySettings()
run_env(
    context,
    Base.metadata,
    settings.migration_database_url or settings.database_url,
    append_only_tables=APPEND_ONLY_TABLES,
)
