"""`rtw-audit-verify`: check the audit log's hash chain of one or more service databases.

    rtw-audit-verify postgresql+psycopg://rtw:rtw@127.0.0.1:55432/intake [more URLs…]
    rtw-audit-verify            # every service of the local stack (RTW_<SERVICE>_DATABASE_URL or the defaults)

Prints one line per database: `<name>: audit chain intact: N rows` or `<name>: audit chain broken
at row <id>: <why>`. Exit 0 when all are intact, 1 when one is broken, 2 when one cannot be read."""

from __future__ import annotations

import os
import sys

from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from ..services import SERVICE_DEFS
from .service import ChainReport, verify_chain


def default_urls() -> list[str]:
    """Each service's database as its settings would find it."""
    local = "postgresql+psycopg://rtw_app:rtw_app@127.0.0.1:55432/"
    return [os.environ.get(f"{defn.env_prefix}DATABASE_URL", local + defn.name) for defn in SERVICE_DEFS]


def describe(report: ChainReport) -> str:
    """The line the command prints for one database."""
    if report.intact:
        return f"audit chain intact: {report.rows} rows"
    return f"audit chain broken at row {report.first_broken_id}: {report.reason}"


def check(url: str) -> ChainReport:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return verify_chain(conn)
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> None:
    """Verify each database's chain; exit 0 (all intact), 1 (one broken) or 2 (one could not be read)."""
    urls = (sys.argv[1:] if argv is None else argv) or default_urls()
    worst = 0
    for url in urls:
        name = make_url(url).database
        try:
            report = check(url)
        except SQLAlchemyError as error:
            where = make_url(url).render_as_string(hide_password=True)
            print(
                f"{name}: could not read the audit log at {where}: {type(error).__name__} — is the database up "
                "and migrated?",
                file=sys.stderr,
            )
            worst = max(worst, 2)
            continue
        print(f"{name}: {describe(report)}")
        worst = max(worst, 0 if report.intact else 1)
    sys.exit(worst)


if __name__ == "__main__":
    main()
