"""`make up` keeps every API and worker running: they run under supervisord.

Why supervisord (the `supervisor` package) rather than more hand-written process management: it is
the maintained, widely run answer to exactly this — restart a process that exits, with a growing
delay when it keeps failing to start, stop a whole process group gracefully (SIGTERM, then SIGKILL
after a grace period), keep each program's log — and it runs from the virtual environment without
root or Docker. (mirakuru starts and waits for processes but does not restart them.)

One supervisord per stack, its socket and configuration in the data folder's `run/`. Each program
(`intake-api`, `intake-worker`, …) gets a file in `run/supervisor.d/`; `supervisorctl update` picks
it up. Restarts are logged by supervisord (`exited: … (not expected)`) and counted from that log by
`restarts()` (shown by `make status`)."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

from . import procs
from .config import StackSettings
from .errors import StackError

NAME = "supervisor"
_START_LOCK = threading.Lock()  # the four services start side by side; one supervisord for all

MAIN_CONFIG = """\
[unix_http_server]
file={socket}
chmod=0700

[supervisord]
logfile={log}
pidfile={pidfile}
nodaemon=true
silent=true

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://{socket}

[include]
files={programs}/*.conf
"""

# startsecs: a process that exits sooner counts as a failed start, retried after 1, 2, 3 … s
# (supervisord's backoff), up to startretries; one that ran longer is restarted at once.
PROGRAM_CONFIG = """\
[program:{name}]
command={command}
environment={environment}
autostart=true
autorestart=true
startsecs=3
startretries=20
stopsignal=TERM
stopwaitsecs=20
stopasgroup=true
killasgroup=true
redirect_stderr=true
stdout_logfile={log}
stdout_logfile_maxbytes=20MB
stdout_logfile_backups=2
"""


class Supervisor:
    """The stack's supervisord: a component of `make up` (started before the services)."""

    name = NAME

    def __init__(self, settings: StackSettings):
        self.settings = settings
        self.run_dir = settings.run_dir
        self.config = self.run_dir / "supervisord.conf"
        self.socket = self.run_dir / "supervisor.sock"
        self.programs = self.run_dir / "supervisor.d"

    # --- component interface -----------------------------------------------------------------
    def is_ready(self) -> bool:
        return procs.running_pid(self.settings, NAME) is not None and self._ctl("pid", check=False)[0] == 0

    def start(self) -> None:
        with _START_LOCK:
            if self.is_ready():
                return
            self.programs.mkdir(parents=True, exist_ok=True)
            self.config.write_text(
                MAIN_CONFIG.format(
                    socket=self.socket,
                    log=procs.log_file(self.settings, NAME),
                    pidfile=self.run_dir / "supervisord.pid",
                    programs=self.programs,
                )
            )
            procs.spawn(self.settings, NAME, [sys.executable, "-m", "supervisor.supervisord", "-c", str(self.config)])
            if not procs.wait_until(self.is_ready, 20, interval=0.2):
                raise procs.fail_with_log(self.settings, NAME, "supervisord did not start")

    def provision(self) -> None:
        """Nothing to provision."""

    def stop(self) -> None:
        if self.is_ready():
            self._ctl("shutdown", check=False)
        procs.terminate(self.settings, NAME, grace_seconds=30)

    def describe(self) -> str:
        return f"supervisord, restarting any API or worker that exits (socket {self.socket})"

    # --- programs -----------------------------------------------------------------------------
    def run(self, program: str, argv: Sequence[str], env: Mapping[str, str]) -> None:
        """Keep `argv` running as `program` (replacing an older definition of it)."""
        self.start()
        path = self.programs / f"{program}.conf"
        path.write_text(
            PROGRAM_CONFIG.format(
                name=program,
                command=" ".join(_quoted(a) for a in argv),
                environment=",".join(f'{k}="{_escaped(v)}"' for k, v in env.items()),
                log=procs.log_file(self.settings, program),
            )
        )
        self._ctl("update", program)  # adds it, or restarts it if its definition changed
        if not self.is_running(program):
            self._ctl("start", program, check=False)

    def halt(self, program: str) -> None:
        """Stop `program` (gracefully) and forget it."""
        if not self.is_ready() or not (self.programs / f"{program}.conf").exists():  # never started: nothing to do
            return
        self._ctl("stop", program, check=False)
        (self.programs / f"{program}.conf").unlink(missing_ok=True)
        self._ctl("update", check=False)

    def is_running(self, program: str) -> bool:
        code, out = self._ctl("status", program, check=False)
        return code == 0 and " RUNNING " in f" {out} "

    def pid(self, program: str) -> int | None:
        code, out = self._ctl("pid", program, check=False)
        return int(out.strip()) if code == 0 and out.strip().isdigit() and out.strip() != "0" else None

    def restarts(self) -> dict[str, int]:
        """How often each program exited unexpectedly (and was restarted), from supervisord's log."""
        log = procs.log_file(self.settings, NAME)
        text = log.read_text(errors="replace") if log.exists() else ""
        counts: dict[str, int] = {}
        for program in re.findall(r"exited: (\S+) \(.*not expected\)", text):
            counts[program] = counts.get(program, 0) + 1
        return counts

    def _ctl(self, *args: str, check: bool = True) -> tuple[int, str]:
        result = subprocess.run(
            [sys.executable, "-m", "supervisor.supervisorctl", "-c", str(self.config), *args],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if check and result.returncode != 0:
            raise StackError(f"supervisorctl {' '.join(args)} failed: {result.stdout}{result.stderr}")
        return result.returncode, result.stdout


def _quoted(arg: str) -> str:
    return arg if re.fullmatch(r"[\w./:=,@+-]+", arg) else '"' + _escaped(arg) + '"'


def _escaped(value: str) -> str:
    """A value inside supervisord's double quotes: % is its interpolation character."""
    return value.replace("%", "%%").replace("\\", "\\\\").replace('"', '\\"')


def program_log(settings: StackSettings, program: str) -> Path:
    return procs.log_file(settings, program)
