"""A private PostgreSQL cluster for the stack: `initdb` once, `pg_ctl` to start and stop, one
database per service (`python -m rtw_devstack.postgres --dsn …` sets up the databases and the
services' role on a server `make up` did not start: docker compose's).

PostgreSQL refuses to run as root. When we are root, the server runs as an unprivileged user
(`postgres`, which Debian's package creates, or $RTW_PG_OS_USER) through `runuser`; the cluster
then lives where that user can reach it."""

from __future__ import annotations

import hashlib
import os
import pwd
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg
from psycopg import sql

from . import procs, tools, ui
from .config import StackSettings
from .errors import MissingPrerequisiteError, StackError

NAME = "postgres"


class Postgres:
    name = NAME

    def __init__(self, settings: StackSettings):
        self.settings = settings

    # -- where ---------------------------------------------------------------------------
    @property
    def os_user(self) -> str | None:
        """The user the server runs as when we are root (None: run as ourselves)."""
        if os.geteuid() != 0:
            return None
        user = os.environ.get("RTW_PG_OS_USER", "postgres")
        try:
            pwd.getpwnam(user)
        except KeyError:
            raise MissingPrerequisiteError(
                f"PostgreSQL cannot run as root and user '{user}' does not exist: create it "
                f"(`useradd --system --create-home {user}`) or set RTW_PG_OS_USER"
            ) from None
        return user

    @property
    def root(self) -> Path:
        """The cluster's folder: in the data folder, unless the server's user cannot reach it
        (a checkout under /root, say); then a folder in /var/tmp named after the data folder."""
        marker = self.settings.data_dir / "postgres.location"
        if marker.exists():
            return Path(marker.read_text().strip())
        preferred = self.settings.data_dir / "postgres"
        if self.os_user is None or self._reachable_by_os_user(self.settings.data_dir):
            return preferred
        digest = hashlib.sha256(str(self.settings.data_dir).encode()).hexdigest()[:10]
        return Path("/var/tmp") / f"rtw-postgres-{digest}"

    @property
    def cluster_dir(self) -> Path:
        return self.root / "cluster"

    @property
    def server_log(self) -> Path:
        return self.root / "server.log"

    def _reachable_by_os_user(self, folder: Path) -> bool:
        folder.mkdir(parents=True, exist_ok=True)
        probe = self._as_server_user(["test", "-x", str(folder)])
        return subprocess.run(probe, capture_output=True).returncode == 0

    def _as_server_user(self, argv: list[str]) -> list[str]:
        user = self.os_user
        return argv if user is None else ["runuser", "-u", user, "--", *argv]

    # -- lifecycle -----------------------------------------------------------------------
    def is_ready(self) -> bool:
        try:
            with psycopg.connect(self.settings.pg_dsn(), connect_timeout=2) as conn:
                conn.execute("SELECT 1")
            return True
        except psycopg.Error:
            return False

    def start(self) -> None:
        bin_dir = tools.postgres_bin_dir()
        if not (self.cluster_dir / "PG_VERSION").exists():
            with ui.step(NAME, f"initdb a private cluster in {self.cluster_dir}"):
                self._initdb(bin_dir)
        with ui.step(NAME, f"starting on {self.settings.host}:{self.settings.pg_port}"):
            procs.run(
                self._as_server_user(
                    [
                        str(bin_dir / "pg_ctl"),
                        "-D",
                        str(self.cluster_dir),
                        "-l",
                        str(self.server_log),
                        "-o",
                        f"-p {self.settings.pg_port} -c listen_addresses={self.settings.host}",
                        "-w",
                        "-t",
                        "60",
                        "start",
                    ]
                ),
                what=f"pg_ctl start (log: {self.server_log})",
            )
            self._link_log()

    def provision(self) -> None:
        """Create the application role and the service databases that are missing (idempotent;
        runs on every `up`)."""
        ensure_app_role(self.settings.pg_dsn(), self.settings.pg_app_user, self.settings.pg_app_password)
        created = self.ensure_databases()
        if created:
            ui.say(NAME, f"databases created: {', '.join(created)}")

    def stop(self, mode: str = "fast") -> None:
        """`fast` by default; `immediate` (no checkpoint, clients cut off) for fault tests."""
        if not (self.cluster_dir / "postmaster.pid").exists():
            return
        bin_dir = tools.postgres_bin_dir()
        procs.run(
            self._as_server_user(
                [str(bin_dir / "pg_ctl"), "-D", str(self.cluster_dir), "-m", mode, "-w", "-t", "60", "stop"]
            ),
            what="pg_ctl stop",
        )

    def describe(self) -> str:
        return f"postgresql://{self.settings.pg_user}:***@{self.settings.host}:{self.settings.pg_port}"

    # -- steps ---------------------------------------------------------------------------
    def _initdb(self, bin_dir: Path) -> None:
        root = self.root
        if root.exists() and not (root / "cluster" / "PG_VERSION").exists():
            shutil.rmtree(root)  # a half-made cluster from an interrupted run
        root.mkdir(parents=True, exist_ok=True)
        password_file = root / "pwfile"
        password_file.write_text(self.settings.pg_password + "\n")
        self._give_to_server_user(root)
        procs.run(
            self._as_server_user(
                [
                    str(bin_dir / "initdb"),
                    "-D",
                    str(self.cluster_dir),
                    "-U",
                    self.settings.pg_user,
                    f"--pwfile={password_file}",
                    "--auth-local=trust",
                    "--auth-host=scram-sha-256",
                    "-E",
                    "UTF8",
                    "--no-locale",
                ]
            ),
            what="initdb",
        )
        password_file.unlink()
        with open(self.cluster_dir / "postgresql.conf", "a") as conf:
            conf.write(
                "\n# rtw-stack: loopback TCP only, no socket folder to share with other clusters\n"
                "unix_socket_directories = ''\n"
                "max_connections = 300\n"
                "shared_buffers = 256MB\n"
                "log_min_messages = warning\n"
            )
        (self.settings.data_dir / "postgres.location").write_text(str(root))

    def _give_to_server_user(self, folder: Path) -> None:
        user = self.os_user
        if user is not None:
            shutil.chown(folder, user=user)
            for path in folder.rglob("*"):
                shutil.chown(path, user=user)

    def _link_log(self) -> None:
        self.settings.log_dir.mkdir(parents=True, exist_ok=True)
        link = procs.log_file(self.settings, NAME)
        if not link.is_symlink():
            link.unlink(missing_ok=True)
            link.symlink_to(self.server_log)

    def ensure_databases(self, names: tuple[str, ...] | None = None) -> list[str]:
        """Create each service database that does not exist yet; return those created."""
        return create_missing_databases(self.settings.pg_dsn(), names or self.settings.service_databases)


def create_missing_databases(admin_dsn: str, names: tuple[str, ...]) -> list[str]:
    """Create each of `names` that does not exist yet; return those created."""
    created = []
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        existing = {row[0] for row in conn.execute("SELECT datname FROM pg_database")}
        for name in names:
            if name not in existing:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
                created.append(name)
    return created


def ensure_app_role(admin_dsn: str, user: str, password: str) -> None:
    """The login role the services run as: not a superuser, owns nothing (grants come from the
    migrations), so it cannot alter tables, disable triggers or rewrite the audit log."""
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (user,)).fetchone() is None:
            conn.execute(
                sql.SQL("CREATE ROLE {} LOGIN PASSWORD {} NOSUPERUSER NOCREATEDB NOCREATEROLE").format(
                    sql.Identifier(user), sql.Literal(password)
                )
            )


# Where databases that live no longer than a test session go: a RAM-backed folder. The suite creates
# and drops ~1,000 databases (a few hundred files each); on ext4 each creation then spent ~0.2 s of
# kernel time in the inode allocator skipping recently deleted inodes, in tmpfs ~10 ms.
SCRATCH_ROOT_ENV = "RTW_PG_SCRATCH_DIR"  # a folder the server can write, or "" for the default tablespace
SCRATCH_ROOT_DEFAULT = Path("/dev/shm")
SCRATCH_MIN_FREE_BYTES = 1 << 30
SCRATCH_PREFIX = "rtw_scratch_"


def scratch_root() -> Path | None:
    """The folder for scratch tablespaces: RTW_PG_SCRATCH_DIR when set ("" turns them off), else
    /dev/shm when it exists with room to spare; None: use the default tablespace."""
    chosen = os.environ.get(SCRATCH_ROOT_ENV)
    if chosen is not None:
        return Path(chosen) if chosen else None
    root = SCRATCH_ROOT_DEFAULT
    if not root.is_dir() or shutil.disk_usage(root).free < SCRATCH_MIN_FREE_BYTES:
        return None
    return root


@contextmanager
def scratch_tablespace(settings: StackSettings) -> Iterator[str | None]:
    """A tablespace of its own in `scratch_root()` on the stack's server, for databases dropped before
    it ends (dropped at the end with its folder); None when there is no such folder or the server
    cannot use it (a server in a container), and the caller uses the default tablespace."""
    root = scratch_root()
    if root is None:
        yield None
        return
    _forget_vanished_scratch_tablespaces(settings)
    folder = Path(tempfile.mkdtemp(prefix="rtw-pg-scratch-", dir=root))
    name = SCRATCH_PREFIX + uuid.uuid4().hex[:10]
    try:
        user = Postgres(settings).os_user
        if user is not None:
            shutil.chown(folder, user=user)
        with psycopg.connect(settings.pg_dsn(), autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE TABLESPACE {} LOCATION {}").format(sql.Identifier(name), str(folder)))
    except (psycopg.Error, OSError, MissingPrerequisiteError) as error:
        shutil.rmtree(folder, ignore_errors=True)
        ui.say(NAME, f"scratch databases in the default tablespace ({root} not usable: {error})")
        yield None
        return
    try:
        yield name
    finally:
        _drop_tablespace(settings, name, folder)


def _drop_tablespace(settings: StackSettings, name: str, folder: Path) -> None:
    try:
        with psycopg.connect(settings.pg_dsn(), autocommit=True) as conn:
            conn.execute(sql.SQL("DROP TABLESPACE {}").format(sql.Identifier(name)))
    except psycopg.Error as error:  # a database still in it: left for the next session's sweep
        ui.say(NAME, f"scratch tablespace {name} left in {folder}: {error}")
        return
    shutil.rmtree(folder, ignore_errors=True)


def _forget_vanished_scratch_tablespaces(settings: StackSettings) -> None:
    """Scratch tablespaces whose folder is gone (a reboot emptied /dev/shm after a session that could not
    clean up): their databases and the tablespaces themselves. Live ones (another session's) keep their folder."""
    with psycopg.connect(settings.pg_dsn(), autocommit=True) as conn:
        spaces = conn.execute(
            "SELECT oid, spcname, pg_tablespace_location(oid) FROM pg_tablespace WHERE spcname LIKE %s",
            (SCRATCH_PREFIX + "%",),
        ).fetchall()
        for oid, space, location in spaces:
            if Path(location).exists():
                continue
            for (database,) in conn.execute(
                "SELECT datname FROM pg_database WHERE dattablespace = %s", (oid,)
            ).fetchall():
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database)))
            conn.execute(sql.SQL("DROP TABLESPACE IF EXISTS {}").format(sql.Identifier(space)))


def database_exists(settings: StackSettings, name: str) -> bool:
    with psycopg.connect(settings.pg_dsn(), connect_timeout=5) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    return row is not None


def check_reachable(settings: StackSettings) -> None:
    if not Postgres(settings).is_ready():
        raise StackError(f"PostgreSQL does not answer on {settings.host}:{settings.pg_port}")


def main(argv: list[str] | None = None) -> None:
    """`python -m rtw_devstack.postgres --dsn postgresql://OWNER:PASSWORD@HOST:PORT/postgres`: each
    service's database (rtw_shared.services) and the role the services run as, on a server `make up`
    did not start (docker compose's); what exists already is left as it is."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--dsn", required=True, help="the owner's connection to the server's `postgres` database")
    args = parser.parse_args(argv)
    settings = StackSettings()
    ensure_app_role(args.dsn, settings.pg_app_user, settings.pg_app_password)
    created = create_missing_databases(args.dsn, settings.service_databases)
    print(f"postgres: databases created: {', '.join(created) or 'none'}; role {settings.pg_app_user} set")


if __name__ == "__main__":
    main()
