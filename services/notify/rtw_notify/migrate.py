"""`rtw-notify-migrate`: bring notify's database to the newest schema (run before the API)."""

from pathlib import Path

from rtw_shared.migrations import upgrade

from .settings import NotifySettings

MIGRATIONS = Path(__file__).parent / "migrations"


def main() -> None:
    settings = NotifySettings()
    upgrade(MIGRATIONS, settings.migration_database_url or settings.database_url)


if __name__ == "__main__":
    main()
