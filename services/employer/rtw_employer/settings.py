from pydantic_settings import SettingsConfigDict

from rtw_shared.settings import ServiceSettings


class EmployerSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="RTW_EMPLOYER_", extra="ignore", frozen=True)

    service_name: str = "employer"
    database_url: str = "postgresql+psycopg://rtw_app:rtw_app@127.0.0.1:55432/employer"
    migration_database_url: str | None = "postgresql+psycopg://rtw:rtw@127.0.0.1:55432/employer"

    # The employer portal (/portal, docs/portal.md): Keycloak's public client for it, how long a
    # signed-in browser may sit idle (and stay signed in at most), and how many requests a page lists.
    portal_client_id: str = "rtw-portal"
    portal_idle_minutes: int = 30
    portal_max_session_hours: int = 10
    portal_page_size: int = 10
