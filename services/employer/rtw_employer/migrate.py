"""`rtw-employer-migrate`: bring employer's database to the newest schema (run before the API)."""

from pathlib import Path

from rtw_shared.migrations import migrate_command

from .settings import EmployerSettings

MIGRATIONS = Path(__file__).parent / "migrations"


def main(argv: list[str] | None = None) -> None:
    """Upgrade the configured database to head (`--wait SECONDS`: wait until it is, migrate nothing)."""
    settings = EmployerSettings()
    owner_url = settings.migration_database_url or settings.database_url
    migrate_command(MIGRATIONS, owner_url=owner_url, app_url=settings.database_url, argv=argv)


if __name__ == "__main__":
    main()
