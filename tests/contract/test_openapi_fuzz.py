"""Schema-driven fuzzing of every service's OpenAPI with schemathesis — every check,
`ignored_auth` included — against the real processes, real PostgreSQL, Kafka and Keycloak, with
real tokens: 0 failures allowed, and no request may end in a server error."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from rtw_devstack.journey import CASE
from rtw_shared.services import SERVICE_DEFS
from rtw_shared.testing import DEMO_USERS

EXAMPLES_PER_OPERATION = 30
# And a time budget per service, so a growing API cannot grow the suite's time with it: schemathesis
# stops when it is spent, and repeats its fuzzing phase to fill it when the examples finish earlier.
# 10 s lets every phase (examples, coverage, fuzzing, stateful) run for each service; longer runs:
# RTW_FUZZ_SECONDS=60 make test.
SECONDS_PER_SERVICE = int(os.environ.get("RTW_FUZZ_SECONDS", "10"))
CONFIG = Path(__file__).with_name("schemathesis.toml")
# Schemathesis sends requests as fast as it can, from one address and one token: the rate limits
# would answer some of them 429 instead of what a check expects (a missing token's 401, say).
# The limits have their own tests; this module's system runs with them off, by the explicit
# setting that turns them off (read by the `system` fixture).
SYSTEM_SETTINGS = {"RATE_LIMIT_PER_CALLER": "", "RATE_LIMIT_PER_ADDRESS": ""}


@pytest.fixture(scope="module")
def seeded(system, tokens):
    """One real case, so operations on `{id}` paths also meet existing resources."""
    headers = {"Authorization": f"Bearer {tokens.user('tara')}"}
    httpx.post(f"{system.url('intake')}/v1/cases", json=CASE, headers=headers).raise_for_status()
    return system


def caller(defn) -> str:
    """Who calls a service: the first demo user in the role the service mostly serves."""
    return next(user for user, (role, _) in DEMO_USERS.items() if role == defn.main_role)


def test_every_service_is_fuzzed_as_a_demo_user_of_its_main_role():
    """The fuzzing below runs for each service in SERVICE_DEFS, with the token of a user in its main role."""
    roles = {role for role, _ in DEMO_USERS.values()}
    assert {defn.name: defn.main_role for defn in SERVICE_DEFS if defn.main_role not in roles} == {}


@pytest.mark.slow
@pytest.mark.parametrize("defn", SERVICE_DEFS, ids=lambda defn: defn.name)
def test_schemathesis_finds_no_failure(seeded, tokens, defn, tmp_path):
    service = defn.name
    url = seeded.url(service)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "--config-file",
            str(CONFIG),
            "run",
            f"{url}/openapi.json",
            "--checks",
            "all",
            "--header",
            f"Authorization: Bearer {tokens.user(caller(defn))}",
            "--max-examples",
            str(EXAMPLES_PER_OPERATION),
            "--max-time",
            str(SECONDS_PER_SERVICE),
            "--generation-deterministic",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=tmp_path,  # its report folder stays out of the tree
    )
    summary = result.stdout[-5000:]
    print(f"--- {service}\n{summary}")
    assert result.returncode == 0, summary
    assert re.search(r"\d+ generated, \d+ passed", summary), summary
    log = seeded.log_dir / f"{service}-api.log"
    assert "Internal server error" not in log.read_text(errors="replace")
