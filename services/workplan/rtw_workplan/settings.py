from pydantic_settings import SettingsConfigDict

from rtw_shared.services import SERVICE_DEFS
from rtw_shared.settings import ServiceSettings


def _api(service: str) -> str:
    """A service's API on this machine, at its default port (make up)."""
    return next(f"http://127.0.0.1:{d.port}" for d in SERVICE_DEFS if d.name == service)


class WorkplanSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="RTW_WORKPLAN_", extra="ignore", frozen=True)

    service_name: str = "workplan"
    database_url: str = "postgresql+psycopg://rtw_app:rtw_app@127.0.0.1:55432/workplan"
    migration_database_url: str | None = "postgresql+psycopg://rtw:rtw@127.0.0.1:55432/workplan"

    # The fee schedule projected costs come from (USD; docs/domain/plans.md: published ranges are
    # evaluation 150-200 and session 40-200, so both are configurable per deployment).
    fee_evaluation: float = 175.0
    fee_session: float = 120.0

    # The therapist's workspace (/clinic, docs/workspace.md): Keycloak's public client for it, how long a
    # signed-in browser may sit idle (and stay signed in at most), and how many cases a caseload page lists.
    clinic_client_id: str = "rtw-clinic"
    clinic_idle_minutes: int = 30
    clinic_max_session_hours: int = 10
    clinic_page_size: int = 25
    # Where the workspace's pages call the other services' public APIs, with the signed-in therapist's
    # own token (the chart sets them to the services' in-cluster addresses), and how long they wait.
    intake_api_url: str = _api("intake")
    employer_api_url: str = _api("employer")
    notify_api_url: str = _api("notify")
    api_timeout_seconds: float = 10.0
