"""`rtw-intake-migrate`: bring intake's database to the newest schema (run before the API)."""

from pathlib import Path

from rtw_shared.migrations import upgrade

from .settings import IntakeSettings

MIGRATIONS = Path(__file__).parent / "migrations"


def main() -> None:
    upgrade(MIGRATIONS, IntakeSettings().database_url)


if __name__ == "__main__":
    main()
