from pydantic_settings import SettingsConfigDict

from rtw_shared.settings import ServiceSettings


class NotifySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="RTW_NOTIFY_", extra="ignore", frozen=True)

    service_name: str = "notify"
    database_url: str = "postgresql+psycopg://rtw_app:rtw_app@127.0.0.1:55432/notify"
    migration_database_url: str | None = "postgresql+psycopg://rtw:rtw@127.0.0.1:55432/notify"
