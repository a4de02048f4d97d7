from alembic import context

from rtw_intake import models  # noqa: F401 — registers every table on the metadata
from rtw_intake.db import Base
from rtw_intake.settings import IntakeSettings
from rtw_shared.migrations import run_env

run_env(context, Base.metadata, IntakeSettings().database_url)
