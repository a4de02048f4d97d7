from alembic import context

from rtw_shared.migrations import run_env
from rtw_workplan import models  # noqa: F401 — registers every table on the metadata
from rtw_workplan.db import Base
from rtw_workplan.settings import WorkplanSettings

settings = WorkplanSettings()
run_env(context, Base.metadata, settings.migration_database_url or settings.database_url)
