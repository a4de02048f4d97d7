"""`rtw-intake-audit-verify`: check the audit log's hash chain in intake's database.

Prints `audit chain intact: N rows` (exit 0) or `audit chain broken at row <id>: <why>` (exit 1);
exit 2 when the database cannot be read. The database is RTW_INTAKE_DATABASE_URL (IntakeSettings)."""

from __future__ import annotations

import sys

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from ..settings import IntakeSettings
from . import service
from .schemas import ChainReport


def main() -> None:
    """Verify the chain and exit 0 (intact), 1 (broken) or 2 (could not read it)."""
    url = IntakeSettings().database_url
    try:
        report = _check(url)
    except SQLAlchemyError as error:
        where = make_url(url).render_as_string(hide_password=True)
        print(f"could not read the audit log at {where}: {type(error).__name__} — is the database up and "
              "migrated? (set RTW_INTAKE_DATABASE_URL to point elsewhere)", file=sys.stderr)
        sys.exit(2)
    print(describe(report))
    sys.exit(0 if report.intact else 1)


def describe(report: ChainReport) -> str:
    """The one line the command prints."""
    if report.intact:
        return f"audit chain intact: {report.rows} rows"
    return f"audit chain broken at row {report.first_broken_id}: {report.reason}"


def _check(url: str) -> ChainReport:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return service.verify_chain(conn=conn)
    finally:
        engine.dispose()


if __name__ == "__main__":
    main()
