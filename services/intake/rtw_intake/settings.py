from pydantic import Field
from pydantic_settings import SettingsConfigDict

from rtw_shared.settings import ServiceSettings

# The secret the development realm (deploy/keycloak/realm-rtw.json) gives `rtw-intake-directory`.
DEVELOPMENT_DIRECTORY_SECRET = "intake-directory-dev-secret"  # noqa: S105 — published, refused in production


class IntakeSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="RTW_INTAKE_", extra="ignore", frozen=True)

    service_name: str = "intake"
    database_url: str = "postgresql+psycopg://rtw_app:rtw_app@127.0.0.1:55432/intake"
    migration_database_url: str | None = "postgresql+psycopg://rtw:rtw@127.0.0.1:55432/intake"

    # The directory of organisations (organisations/, docs/operations.md) is read from the realm
    # through Keycloak's admin API as the confidential client `rtw-intake-directory`, whose service
    # account holds realm-management's `view-users` and `view-realm`: in development with the secret
    # the development realm publishes, in production with its own (refused otherwise). An empty
    # client id says the process reads no directory (the chart's migration Job).
    directory_client_id: str = "rtw-intake-directory"
    directory_client_secret: str | None = DEVELOPMENT_DIRECTORY_SECRET
    # Development only, never tried in production: when the realm refuses the client (a development
    # Keycloak whose realm was imported before the client existed), the directory is read as the dev
    # stack's bootstrap administrator, a user of the `master` realm.
    directory_username: str | None = "admin"
    directory_password: str | None = "admin"  # noqa: S105 — the dev stack's
    directory_user_realm: str = "master"
    # The worker re-reads the whole realm this often; a case naming an organisation the directory does
    # not know makes the API re-read it at once, but not more often than `directory_recheck_seconds`.
    directory_sync_seconds: float = Field(default=300.0, gt=0)
    directory_recheck_seconds: float = Field(default=10.0, ge=0)
    # The API reads the realm into the directory before its first request; off where the database's
    # directory is known to be current already (the tests' databases: copies of one synced per session).
    directory_sync_at_start: bool = True

    # The other services' APIs, whose FHIR resources `Patient/$everything` gathers with the caller's token.
    workplan_api_url: str = "http://127.0.0.1:8102"
    employer_api_url: str = "http://127.0.0.1:8103"

    def production_problems(self) -> list[str]:
        """The shared checks, and a directory read without a client secret of production's own."""
        problems = super().production_problems()
        if self.directory_client_id and self.directory_client_secret in (None, "", DEVELOPMENT_DIRECTORY_SECRET):
            problems.append(
                "directory_client_id/directory_client_secret must name the confidential client intake reads "
                "the realm's organisations as, with its own secret (not the development one)"
            )
        return problems
