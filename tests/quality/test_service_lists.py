"""The files that must spell out the services themselves (a tool's configuration that takes no
wildcard, docker compose's blocks) name exactly the services of rtw_shared.services.SERVICE_DEFS:
adding, renaming or removing a service fails here, naming the file and the entries, until each list
follows (CONTRIBUTING.md, "A new service"). Everything else derives its list from SERVICE_DEFS or
finds the services with a glob."""

from __future__ import annotations

import fnmatch
import tomllib
from pathlib import Path

import yaml

from rtw_shared.services import SERVICE_DEFS, SERVICE_NAMES

ROOT = Path(__file__).resolve().parents[2]
NAMES = set(SERVICE_NAMES)
PACKAGES = {defn.package for defn in SERVICE_DEFS}
# The modules that build no SQL in every service (CONTRIBUTING.md, "Service skeleton").
QUERYLESS = ("router", "service", "handlers", "views")
INFRASTRUCTURE = {"postgres", "postgres-setup", "kafka", "kafka-access", "keycloak", "smtp"}


def drift(listed, expected) -> dict[str, list[str]]:
    """What a list lacks and what it has too many of ({} when it matches)."""
    listed, expected = set(listed), set(expected)
    found = {"missing": sorted(expected - listed), "not a service": sorted(listed - expected)}
    return {what: names for what, names in found.items() if names}


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_each_service_directory_is_a_service_and_each_service_has_one():
    """The Makefile's virtualenv and the Docker image's tools stage install `services/*/`."""
    assert drift({p.parent.name for p in ROOT.glob("services/*/pyproject.toml")}, NAMES) == {}


def test_the_dockerfile_finds_the_services_instead_of_naming_them():
    lines = (ROOT / "deploy" / "docker" / "Dockerfile").read_text().splitlines()
    instructions = "\n".join(line for line in lines if not line.lstrip().startswith("#"))  # comments may cite one
    assert "./services/*/" in instructions
    assert [name for name in SERVICE_NAMES if name in instructions] == []


def test_import_linter_names_every_service_in_each_of_its_lists():
    config = pyproject()["tool"]["importlinter"]
    contracts = config["contracts"]
    independence = next(c for c in contracts if c["type"] == "independence")
    library = next(c for c in contracts if c["type"] == "forbidden" and c["source_modules"] == ["rtw_shared"])
    repositories = next(c for c in contracts if c["type"] == "forbidden" and c["forbidden_modules"] == ["sqlalchemy"])
    drifted = {
        "root_packages": drift(config["root_packages"], PACKAGES | {"rtw_shared", "rtw_devstack"}),
        independence["name"]: drift(independence["modules"], PACKAGES),
        library["name"]: drift(library["forbidden_modules"], PACKAGES | {"rtw_devstack"}),
        repositories["name"]: drift(
            repositories["source_modules"], {f"{package}.*.{module}" for package in PACKAGES for module in QUERYLESS}
        ),
    }
    assert {where: entries for where, entries in drifted.items() if entries} == {}


def test_ruff_sorts_every_service_as_first_party():
    patterns = pyproject()["tool"]["ruff"]["lint"]["isort"]["known-first-party"]
    assert sorted(p for p in PACKAGES if not any(fnmatch.fnmatchcase(p, pattern) for pattern in patterns)) == []


def test_mypy_checks_every_service_strictly_and_nothing_that_does_not_exist():
    """Strict types everywhere: every service's package, the library and the dev stack, strict."""
    mypy = pyproject()["tool"]["mypy"]
    entries = [Path(entry).parts for entry in mypy["files"]]
    named = {parts[1] for parts in entries if parts[0] == "services" and len(parts) > 1}
    assert drift(named, set(NAMES)) == {}
    assert {"shared/rtw_shared", "deploy/devstack/rtw_devstack"} <= set(mypy["files"])
    assert mypy["strict"] is True


def test_docker_compose_runs_each_service_and_nothing_else():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    parts = {f"{name}{part}" for name in SERVICE_NAMES for part in ("", "-migrate", "-worker")}
    assert drift(set(compose) - INFRASTRUCTURE, parts) == {}
    passwords = {key for key in compose["kafka-access"]["environment"] if key.startswith("RTW_KAFKA_PASSWORD_")}
    assert drift(passwords, {f"RTW_KAFKA_PASSWORD_{name.upper()}" for name in SERVICE_NAMES}) == {}
