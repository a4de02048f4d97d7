"""`rtw-employer-migrate`: bring employer's database to the newest schema (run before the API)."""

from pathlib import Path

from rtw_shared.migrations import upgrade

from .settings import EmployerSettings

MIGRATIONS = Path(__file__).parent / "migrations"


def main() -> None:
    upgrade(MIGRATIONS, EmployerSettings().database_url)


if __name__ == "__main__":
    main()
