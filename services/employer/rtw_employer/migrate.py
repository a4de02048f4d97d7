"""`rtw-employer-migrate`: bring employer's database to the newest schema (run before the API)."""

from pathlib import Path

from rtw_shared.migrations import upgrade

from .settings import EmployerSettings

MIGRATIONS = Path(__file__).parent / "migrations"


def main() -> None:
    settings = EmployerSettings()
    upgrade(MIGRATIONS, settings.migration_database_url or settings.database_url)


if __name__ == "__main__":
    main()
