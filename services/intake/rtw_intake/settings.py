from pydantic_settings import SettingsConfigDict

from rtw_shared.settings import ServiceSettings


class IntakeSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="RTW_INTAKE_", extra="ignore", frozen=True)

    service_name: str = "intake"
    database_url: str = "postgresql+psycopg://rtw_app:rtw_app@127.0.0.1:55432/intake"
    migration_database_url: str | None = "postgresql+psycopg://rtw:rtw@127.0.0.1:55432/intake"
