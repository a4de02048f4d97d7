"""`make bench` cannot rot: its smoke mode (`bench/run.py --quick`, under a minute) still measures every
figure, prints the one table and writes valid JSON with every figure in it. The values are not checked:
benchmarks assert nothing (CONTRIBUTING.md), but a figure that could not be measured fails here."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIGURES = ["consumer", "relay", "growth", "create", "status", "same-work", "latency", "memory", "audit", "workspace"]
HEADER = "| what "
COLUMNS = ["what", "RTW", "baseline", "ratio", "goal", "met?"]


@pytest.mark.slow
def test_quick_bench_prints_the_table_and_writes_every_figure(rtw_infra, tmp_path):
    written = tmp_path / "bench.json"
    result = run_bench(["--quick", "--json", str(written)], timeout=300)
    shown = f"exit {result.returncode}\n--- stdout\n{result.stdout[-4000:]}\n--- stderr\n{result.stderr[-4000:]}"
    assert result.returncode == 0, shown

    header = next((line for line in result.stdout.splitlines() if line.startswith(HEADER)), None)
    assert header is not None, shown
    assert [cell.strip() for cell in header.strip("|").split("|")] == COLUMNS

    report = json.loads(written.read_text())
    assert report["quick"] is True
    assert report["figures"] == FIGURES
    assert sorted({row["figure"] for row in report["rows"]}) == sorted(FIGURES)
    for row in report["rows"]:
        assert "error" not in row["values"], (row["figure"], row["values"].get("error"))
        assert row["what"] in result.stdout  # every JSON row is a line of the printed table
    saved = Path(result.stdout.split("JSON: ", 1)[1].split(" and ", 1)[0].strip())
    assert json.loads(saved.read_text()) == report


def run_bench(args: list[str], timeout: float) -> subprocess.CompletedProcess:
    """bench/run.py with `args`; past `timeout` it is stopped with SIGTERM (it then stops what it started)
    and the test fails with its progress lines, which say where it was."""
    bench = subprocess.Popen(
        [sys.executable, str(REPO / "bench" / "run.py"), *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        stdout, stderr = bench.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        bench.send_signal(signal.SIGTERM)
        try:
            stdout, stderr = bench.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            bench.kill()
            stdout, stderr = bench.communicate()
        pytest.fail(f"the quick bench ran over {timeout:.0f} s; where it was:\n{stderr[-4000:]}\n{stdout[-2000:]}")
    return subprocess.CompletedProcess(bench.args, bench.returncode, stdout, stderr)
