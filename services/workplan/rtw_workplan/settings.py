from pydantic_settings import SettingsConfigDict

from rtw_shared.settings import ServiceSettings


class WorkplanSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="RTW_WORKPLAN_", extra="ignore", frozen=True)

    service_name: str = "workplan"
    database_url: str = "postgresql+psycopg://rtw_app:rtw_app@127.0.0.1:55432/workplan"
    migration_database_url: str | None = "postgresql+psycopg://rtw:rtw@127.0.0.1:55432/workplan"

    # The fee schedule projected costs come from (USD; docs/domain/plans.md: published ranges are
    # evaluation 150-200 and session 40-200, so both are configurable per deployment).
    fee_evaluation: float = 175.0
    fee_session: float = 120.0
