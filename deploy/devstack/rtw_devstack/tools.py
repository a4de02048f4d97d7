"""Finds the tools the stack needs on this machine, and says in one line what to install when
one is missing. Nothing here assumes where a tool lies on a particular machine."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from glob import glob
from pathlib import Path

from .errors import MissingPrerequisiteError

JVM_DIRS = ("/usr/lib/jvm", "/usr/java", "/opt/java", "/opt")


def java_home(min_major: int, *, env_var: str) -> Path:
    """A JDK of at least `min_major`: `env_var`, then JAVA_HOME, then `java` on PATH, then the
    usual JVM folders (the newest that qualifies)."""
    candidates: list[Path] = []
    for var in (env_var, "JAVA_HOME"):
        if os.environ.get(var):
            candidates.append(Path(os.environ[var]))
    java_on_path = shutil.which("java")
    if java_on_path:
        candidates.append(Path(os.path.realpath(java_on_path)).parents[1])
    found = sorted(
        (Path(p) for root in JVM_DIRS for p in glob(f"{root}/*") if Path(p, "bin/java").exists()),
        key=java_major,
        reverse=True,
    )
    for home in [*candidates, *found]:
        if (home / "bin" / "java").exists() and java_major(home) >= min_major:
            return home
    raise MissingPrerequisiteError(
        f"Java {min_major}+ is required (none found in ${env_var}, $JAVA_HOME, PATH or "
        f"{', '.join(JVM_DIRS)}): install one, e.g. `apt-get install openjdk-{max(min_major, 17)}"
        f"-jdk-headless` or a Temurin JDK, and/or set {env_var} to it"
    )


def java_major(home: Path) -> int:
    """The major version of the JDK at `home` (0 when it cannot be told)."""
    release = home / "release"
    text = ""
    if release.exists():
        text = release.read_text(errors="replace")
    else:
        try:
            text = subprocess.run(
                [str(home / "bin" / "java"), "-version"], capture_output=True, text=True, timeout=20
            ).stderr
        except (OSError, subprocess.SubprocessError):
            return 0
    match = re.search(r'version[=\s]+"(\d+)(?:\.(\d+))?', text, re.IGNORECASE)
    if not match:
        return 0
    major = int(match.group(1))
    return int(match.group(2) or 0) if major == 1 else major


def maven() -> str:
    path = shutil.which("mvn")
    if not path:
        raise MissingPrerequisiteError(
            "Maven (mvn) is required to download Kafka and Keycloak from Maven Central: "
            "install it, e.g. `apt-get install maven`"
        )
    return path


def postgres_bin_dir() -> Path:
    """The folder holding initdb/pg_ctl/postgres: $RTW_PG_BIN, PATH, pg_config, then the newest
    /usr/lib/postgresql/<v>/bin (Debian) or /usr/pgsql-<v>/bin (RPM)."""
    candidates: list[Path] = []
    if os.environ.get("RTW_PG_BIN"):
        candidates.append(Path(os.environ["RTW_PG_BIN"]))
    if pg_ctl := shutil.which("pg_ctl"):
        candidates.append(Path(pg_ctl).parent)
    if shutil.which("pg_config"):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True).stdout
        if out.strip():
            candidates.append(Path(out.strip()))
    versioned = glob("/usr/lib/postgresql/*/bin") + glob("/usr/pgsql-*/bin")
    candidates += sorted((Path(p) for p in versioned), key=_version_key, reverse=True)
    for folder in candidates:
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    raise MissingPrerequisiteError(
        "PostgreSQL 15+ server binaries (initdb, pg_ctl) were not found on PATH, in pg_config "
        "or /usr/lib/postgresql/*/bin: install them, e.g. `apt-get install postgresql`, "
        "or set RTW_PG_BIN to their folder"
    )


def _version_key(path: Path) -> int:
    digits = re.findall(r"\d+", str(path))
    return int(digits[-1]) if digits else 0
