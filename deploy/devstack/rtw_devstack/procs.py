"""Background processes of the stack: started detached in their own session, tracked by pid
files in the data folder, logs in `<data>/logs/<name>.log`, stopped with their whole group."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from .config import StackSettings
from .errors import StackError


def pid_file(settings: StackSettings, name: str) -> Path:
    return settings.run_dir / f"{name}.pid"


def log_file(settings: StackSettings, name: str) -> Path:
    return settings.log_dir / f"{name}.log"


def spawn(
    settings: StackSettings,
    name: str,
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> int:
    """Start `argv` detached (it outlives this command), logging to the data folder."""
    settings.run_dir.mkdir(parents=True, exist_ok=True)
    settings.log_dir.mkdir(parents=True, exist_ok=True)
    with open(log_file(settings, name), "ab") as log:
        process = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )
    pid_file(settings, name).write_text(str(process.pid))
    return process.pid


def running_pid(settings: StackSettings, name: str) -> int | None:
    """The pid of the named process if it is alive, else None (a stale pid file is removed)."""
    path = pid_file(settings, name)
    try:
        pid = int(path.read_text().strip())
        os.kill(pid, 0)
    except (FileNotFoundError, ValueError, ProcessLookupError):
        path.unlink(missing_ok=True)
        return None
    except PermissionError:
        return pid  # alive, owned by another user
    if _is_zombie(pid):
        path.unlink(missing_ok=True)
        return None
    return pid


def _is_zombie(pid: int) -> bool:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, IndexError):
        return False
    return fields[0] == "Z"


def terminate(settings: StackSettings, name: str, *, grace_seconds: float = 20.0) -> bool:
    """Stop the named process group: SIGTERM, then SIGKILL after the grace period."""
    pid = running_pid(settings, name)
    if pid is None:
        return False
    _signal_group(pid, signal.SIGTERM)
    if not wait_until(lambda: running_pid(settings, name) is None, grace_seconds):
        _signal_group(pid, signal.SIGKILL)
        wait_until(lambda: running_pid(settings, name) is None, 5)
    pid_file(settings, name).unlink(missing_ok=True)
    return True


def kill(settings: StackSettings, name: str) -> bool:
    """SIGKILL the named process group at once: no chance to finish anything (fault tests)."""
    pid = running_pid(settings, name)
    if pid is None:
        return False
    _signal_group(pid, signal.SIGKILL)
    wait_until(lambda: running_pid(settings, name) is None, 10)
    pid_file(settings, name).unlink(missing_ok=True)
    return True


def _signal_group(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, sig)


def wait_until(predicate: Callable[[], bool], timeout: float, interval: float = 0.25) -> bool:
    """Poll `predicate` until it is true or `timeout` seconds pass; return the last answer."""
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)


def port_open(host: str, port: int, timeout: float = 1.0) -> bool:
    """True when something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def tail(path: Path, lines: int = 15) -> str:
    """The last lines of a log, to show beside an error."""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except FileNotFoundError:
        return "(no log)"


def fail_with_log(settings: StackSettings, name: str, message: str) -> StackError:
    path = log_file(settings, name)
    return StackError(f"{message}; log {path}:\n{tail(path)}")


def run(
    argv: Sequence[str],
    *,
    what: str,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
    timeout: float = 900,
) -> str:
    """Run a short command to completion; raise a StackError with its output if it fails."""
    result = subprocess.run(
        list(argv),
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip().splitlines()[-20:]
        raise StackError(f"{what} failed (exit {result.returncode}):\n" + "\n".join(output))
    return result.stdout
