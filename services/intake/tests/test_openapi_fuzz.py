"""Schema-driven fuzzing of intake's OpenAPI with schemathesis (every check, `ignored_auth`
included) against a real intake process, real PostgreSQL and real tokens: 0 failures allowed."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from rtw_devstack.journey import CASE
from rtw_devstack.procs import wait_until
from rtw_devstack.services import SERVICE_DEFS, api_argv, api_ready, service_env
from rtw_devstack.system import free_port

EXAMPLES_PER_OPERATION = 30
CONFIG = Path(__file__).with_name("schemathesis.toml")


@pytest.fixture
def intake_process(intake_settings, rtw_infra, tmp_path):
    defn = next(d for d in SERVICE_DEFS if d.name == "intake")
    port = free_port()
    env = service_env(defn, database_url=intake_settings.database_url, kafka_bootstrap=rtw_infra.kafka_bootstrap,
                      keycloak_url=rtw_infra.keycloak_url, keycloak_issuer=rtw_infra.keycloak_issuer,
                      smtp_host=rtw_infra.smtp_host, smtp_port=rtw_infra.smtp_port,
                      topic_prefix=intake_settings.topic_prefix)
    with open(tmp_path / "intake-api.log", "wb") as log:
        process = subprocess.Popen(api_argv(defn, port), env={**os.environ, **env}, stdout=log,
                                   stderr=subprocess.STDOUT)
    assert wait_until(lambda: api_ready("127.0.0.1", port), 60), (tmp_path / "intake-api.log").read_text()[-3000:]
    yield f"http://127.0.0.1:{port}", tmp_path / "intake-api.log"
    process.terminate()
    process.wait(timeout=20)


@pytest.mark.slow
def test_schemathesis_finds_no_failure_in_intakes_api(intake_process, tokens):
    url, log = intake_process
    token = tokens.user("tara")
    # A real case, so that operations on /v1/cases/{id} also meet an existing resource.
    httpx.post(f"{url}/v1/cases", json=CASE, headers={"Authorization": f"Bearer {token}"}).raise_for_status()
    result = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "--config-file", str(CONFIG), "run", f"{url}/openapi.json",
         "--checks", "all",
         "--header", f"Authorization: Bearer {token}", "--max-examples", str(EXAMPLES_PER_OPERATION),
         "--generation-deterministic", "--no-color"],
        capture_output=True, text=True, timeout=900, cwd=log.parent,  # its report folder stays out of the tree
    )
    summary = result.stdout[-4000:]
    print(summary)
    assert result.returncode == 0, summary
    assert re.search(r"\b0 failures\b|No issues found", summary, re.IGNORECASE) or "failures" not in summary.lower()
    assert "Internal server error" not in log.read_text()
