from pydantic import Field
from pydantic_settings import SettingsConfigDict

from rtw_shared.settings import ServiceSettings

# Delays before webhook attempts 2, 3, …: about three days in all (30 s … 24 h, ≈ 70 h), then the
# delivery is given up on and the subscription disabled. Each delay gets ±20 % jitter.
DEFAULT_RETRY_SECONDS = (30, 120, 600, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 24 * 3600, 24 * 3600)


class NotifySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="RTW_NOTIFY_", extra="ignore", frozen=True)

    service_name: str = "notify"
    database_url: str = "postgresql+psycopg://rtw_app:rtw_app@127.0.0.1:55432/notify"
    migration_database_url: str | None = "postgresql+psycopg://rtw:rtw@127.0.0.1:55432/notify"

    # Where emails link people to, never an API: employers to the employer portal (a request's page),
    # therapists to their workspace, served by workplan (`/clinic/cases/<id>`, `/clinic/plans/<id>`).
    # Insurers' emails carry no link: the case reference and their claim number say which case it is.
    portal_url: str = "http://127.0.0.1:8103/portal"
    workspace_url: str = "http://127.0.0.1:8102"

    # Webhook receivers on loopback, and plain-http receivers, are for development only. Unset
    # (None), each follows `environment`: allowed in development (`make up`, the tests) and refused
    # in production, which also refuses to start with either set to true. Private, link-local and
    # metadata addresses are always refused.
    webhook_allow_loopback: bool | None = None
    webhook_allow_http: bool | None = None
    webhook_retry_seconds: tuple[float, ...] = Field(default=DEFAULT_RETRY_SECONDS, min_length=1)
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    webhook_max_response_bytes: int = Field(default=65_536, gt=0)
    # How long the previous secret still signs deliveries after a rotation, unless the request says otherwise.
    webhook_secret_overlap_seconds: int = Field(default=86_400, ge=0)

    @property
    def allows_loopback_webhooks(self) -> bool:
        explicit = self.webhook_allow_loopback
        return self.environment == "development" if explicit is None else explicit

    @property
    def allows_http_webhooks(self) -> bool:
        explicit = self.webhook_allow_http
        return self.environment == "development" if explicit is None else explicit

    def production_problems(self) -> list[str]:
        """The shared checks, and webhooks to loopback or plain http (a server-side request forgery risk)."""
        problems = super().production_problems()
        for name in ("webhook_allow_loopback", "webhook_allow_http"):
            if getattr(self, name):
                problems.append(f"{name} lets webhooks reach this machine or travel unencrypted")
        return problems
