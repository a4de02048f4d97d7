"""/metrics with several processes behind one port (uvicorn --workers): in prometheus-client's
multiprocess mode every process's counts reach the scrape, whichever process answers it."""

from __future__ import annotations

import os
import subprocess
import sys

COUNT_ONE_REQUEST = "from rtw_shared.web import REQUESTS; REQUESTS.labels('GET', '/v1/things/{thing_id}', '200').inc()"
SCRAPE = "import sys; from rtw_shared.metrics import exposition; sys.stdout.write(exposition().decode())"
SAMPLE = 'rtw_http_requests_total{method="GET",route="/v1/things/{thing_id}",status="200"}'


def run(code: str, multiprocess_dir: str | None) -> str:
    env = {key: value for key, value in os.environ.items() if key != "PROMETHEUS_MULTIPROC_DIR"}
    if multiprocess_dir:
        env["PROMETHEUS_MULTIPROC_DIR"] = multiprocess_dir
    return subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True).stdout


def counted(exposition: str) -> float | None:
    return next((float(line.split()[-1]) for line in exposition.splitlines() if line.startswith(SAMPLE)), None)


def test_a_scrape_sums_the_counts_of_every_process_sharing_the_directory(tmp_path):
    for _ in range(2):  # two worker processes, each counting one request, then gone
        run(COUNT_ONE_REQUEST, str(tmp_path))
    assert counted(run(SCRAPE, str(tmp_path))) == 2.0


def test_without_the_directory_a_process_reports_only_its_own_counts(tmp_path):
    run(COUNT_ONE_REQUEST, None)
    assert counted(run(SCRAPE, None)) is None
