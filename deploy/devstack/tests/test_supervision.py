"""supervisord keeps a program running: a killed process comes back, the restart is counted, and a
halted one stays down. A real supervisord on a private data folder (not `make up`'s)."""

from __future__ import annotations

import os
import signal
import sys

import pytest

from rtw_devstack import procs
from rtw_devstack.config import StackSettings
from rtw_devstack.supervision import Supervisor


@pytest.fixture
def supervisor(tmp_path_factory):
    data = tmp_path_factory.mktemp("sv", numbered=True)  # short: a unix socket path has a length limit
    running = Supervisor(StackSettings(data_dir=data))
    running.start()
    yield running
    running.stop()
    assert procs.running_pid(running.settings, "supervisor") is None


def test_a_killed_program_is_restarted_and_the_restart_is_counted(supervisor):
    argv = [sys.executable, "-c", "import time, os; print('up', os.environ['GREETING'], flush=True); time.sleep(600)"]
    supervisor.run("demo-worker", argv, {"GREETING": "hello 100%"})
    assert procs.wait_until(lambda: supervisor.is_running("demo-worker"), 15)
    first = supervisor.pid("demo-worker")

    os.kill(first, signal.SIGKILL)

    assert procs.wait_until(lambda: supervisor.pid("demo-worker") not in (None, first), 20)
    assert procs.wait_until(lambda: supervisor.is_running("demo-worker"), 15)
    assert supervisor.restarts() == {"demo-worker": 1}
    log = procs.log_file(supervisor.settings, "demo-worker").read_text()
    assert log.count("up hello 100%") == 2  # its environment, % included, reached it both times


def test_a_halted_program_stays_down(supervisor):
    supervisor.run("demo-api", [sys.executable, "-c", "import time; time.sleep(600)"], {})
    assert procs.wait_until(lambda: supervisor.is_running("demo-api"), 15)
    pid = supervisor.pid("demo-api")
    supervisor.halt("demo-api")
    assert not supervisor.is_running("demo-api")
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    assert supervisor.restarts() == {}
