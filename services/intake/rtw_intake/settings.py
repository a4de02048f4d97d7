from pydantic import Field
from pydantic_settings import SettingsConfigDict

from rtw_shared.settings import ServiceSettings


class IntakeSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="RTW_INTAKE_", extra="ignore", frozen=True)

    service_name: str = "intake"
    database_url: str = "postgresql+psycopg://rtw_app:rtw_app@127.0.0.1:55432/intake"
    migration_database_url: str | None = "postgresql+psycopg://rtw:rtw@127.0.0.1:55432/intake"

    # The directory of organisations (organisations/, docs/operations.md) is read from the realm
    # through Keycloak's admin API: in production as a confidential client whose service account
    # holds realm-management's `view-users` and `view-realm` (client id and secret); in development
    # as the dev stack's bootstrap administrator (a user of the `master` realm).
    directory_client_id: str = "admin-cli"
    directory_client_secret: str | None = None
    directory_username: str | None = "admin"
    directory_password: str | None = "admin"  # noqa: S105 — the dev stack's, refused in production
    directory_user_realm: str = "master"
    # The worker re-reads the whole realm this often; a case naming an organisation the directory does
    # not know makes the API re-read it at once, but not more often than `directory_recheck_seconds`.
    directory_sync_seconds: float = Field(default=300.0, gt=0)
    directory_recheck_seconds: float = Field(default=10.0, ge=0)

    # The other services' APIs, whose FHIR resources `Patient/$everything` gathers with the caller's token.
    workplan_url: str = "http://127.0.0.1:8102"
    employer_url: str = "http://127.0.0.1:8103"

    def production_problems(self) -> list[str]:
        """The shared checks, and a directory read with a person's password rather than a client's secret."""
        problems = super().production_problems()
        if not self.directory_client_secret:
            problems.append(
                "directory_client_id/directory_client_secret must name the confidential client intake reads "
                "the realm's organisations as (not a user's password)"
            )
        return problems
