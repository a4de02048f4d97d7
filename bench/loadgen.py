"""Closed-loop HTTP load: N connections, each sending its next request as soon as the last answered.

`wrk` (C, epoll) when it is installed, because a Python client would take much of the CPU it
measures on a two-core machine; otherwise a small httpx (asyncio) generator. Every result names the
generator that produced it, and the table says which one ran."""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from harness import percentile

# A body holding this is sent with it replaced, request by request, by a value no other request of the
# run carries: intake registers an insurer's claim once, so a load of new cases needs a new claim number
# each time (`json.dumps(new_case(f"BENCH-{UNIQUE}"))`).
UNIQUE = "@@unique@@"


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None

    @property
    def unique(self) -> bool:
        """Whether each sending of the body gets a value of its own in place of UNIQUE."""
        return self.body is not None and UNIQUE.encode() in self.body


@dataclass(frozen=True)
class Target:
    """One server under load: the requests its connections cycle through."""

    base_url: str
    requests: list[Request]
    connections: int = 16


@dataclass
class Result:
    generator: str
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int  # non-2xx/3xx answers, and socket errors/timeouts

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict:
        return {
            "generator": self.generator,
            "requests": self.requests,
            "seconds": round(self.seconds, 2),
            "rps": round(self.rps, 1),
            "p50_ms": round(self.p50_ms, 2),
            "p99_ms": round(self.p99_ms, 2),
            "errors": self.errors,
        }


def generator_name(choice: str = "auto") -> str:
    """'wrk' or 'httpx': what `run` will use for `choice` (auto: wrk when installed)."""
    if choice == "auto":
        return "wrk" if shutil.which("wrk") else "httpx"
    if choice == "wrk" and not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (Debian: apt-get install -y wrk); use --generator httpx")
    return choice


def describe_generator(choice: str) -> str:
    name = generator_name(choice)
    if name == "wrk":
        out = subprocess.run(["wrk", "--version"], capture_output=True, text=True)
        first = (out.stdout or out.stderr).strip().splitlines()
        return first[0].split(" [")[0] if first else "wrk"
    why = "chosen" if shutil.which("wrk") else "wrk not installed"
    return f"httpx {httpx.__version__} (asyncio, in the bench process; {why})"


def run(targets: list[Target], seconds: float, generator: str = "auto") -> list[Result]:
    """Load every target at once for `seconds`; one result per target."""
    if generator_name(generator) == "wrk":
        return _run_wrk(targets, seconds)
    return asyncio.run(_run_httpx(targets, seconds))


def run_one(target: Target, seconds: float, generator: str = "auto") -> Result:
    return run([target], seconds, generator)[0]


# --- wrk -----------------------------------------------------------------------------------------
_LUA = """
local specs = {SPECS}
local prepared = {}
local next_index = 0
local sent = 0
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_number", thread_count)
end

function init(args)
  for i, spec in ipairs(specs) do
    prepared[i] = wrk.format(spec[1], spec[2], spec[3], spec[4])
  end
end

function request()
  next_index = next_index % #prepared + 1
  local spec = specs[next_index]
  if spec[5] then
    sent = sent + 1
    local unique = "{RUN}-" .. tostring(thread_number or 0) .. "-" .. tostring(sent)
    local body = string.gsub(spec[4], "{UNIQUE}", unique)
    return wrk.format(spec[1], spec[2], spec[3], body)
  end
  return prepared[next_index]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "status": %d, "socket": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def _lua_string(text: str) -> str:
    level = "=" * 4
    assert f"]{level}]" not in text
    return f"[{level}[{text}]{level}]"


def _lua_script(target: Target) -> str:
    host = urlsplit(target.base_url).netloc
    specs = []
    for r in target.requests:
        headers = {"Host": host, **r.headers}
        header_table = ", ".join(f"[ {_lua_string(k)} ] = {_lua_string(v)}" for k, v in headers.items())
        body = _lua_string(r.body.decode()) if r.body is not None else "nil"
        unique = "true" if r.unique else "false"
        specs.append(f"{{{_lua_string(r.method)}, {_lua_string(r.path)}, {{{header_table}}}, {body}, {unique}}}")
    script = _LUA.replace("{RUN}", uuid.uuid4().hex[:8]).replace("{UNIQUE}", UNIQUE)
    return script.replace("{SPECS}", "{" + ",\n".join(specs) + "}")


def _run_wrk(targets: list[Target], seconds: float) -> list[Result]:
    # The scripts carry the callers' tokens: in a folder of the run's own, gone when wrk is done.
    with tempfile.TemporaryDirectory(prefix="rtw-wrk-") as scripts_dir:
        processes = []
        for n, target in enumerate(targets):
            script = Path(scripts_dir) / f"load{n}.lua"
            script.write_text(_lua_script(target))
            threads = min(2, target.connections)
            argv = ["wrk", f"-t{threads}", f"-c{target.connections}", f"-d{max(1, round(seconds))}s"]
            argv += ["--timeout", "30s", "-s", str(script), target.base_url]
            processes.append(subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
        outputs = [process.communicate(timeout=seconds + 120)[0] for process in processes]
    return [_wrk_result(process, out) for process, out in zip(processes, outputs, strict=True)]


def _wrk_result(process: subprocess.Popen, out: str) -> Result:
    line = next((ln for ln in out.splitlines() if ln.startswith("WRKJSON ")), None)
    if process.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed (exit {process.returncode}): {out.strip()[-500:]}")
    data = json.loads(line.removeprefix("WRKJSON "))
    return Result(
        generator="wrk",
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        errors=data["status"] + data["socket"],
    )


# --- httpx (fallback) ------------------------------------------------------------------------------
async def _run_httpx(targets: list[Target], seconds: float) -> list[Result]:
    return list(await asyncio.gather(*(_httpx_target(t, seconds) for t in targets)))


async def _httpx_target(target: Target, seconds: float) -> Result:
    limits = httpx.Limits(max_connections=target.connections, max_keepalive_connections=target.connections)
    latencies: list[float] = []
    errors = 0
    run = uuid.uuid4().hex[:8]
    async with httpx.AsyncClient(base_url=target.base_url, limits=limits, timeout=30) as client:
        started = time.perf_counter()
        deadline = started + seconds

        async def connection(offset: int) -> None:
            nonlocal errors
            index = offset
            while time.perf_counter() < deadline:
                r = target.requests[index % len(target.requests)]
                index += 1
                body = r.body
                if body is not None and r.unique:
                    body = body.replace(UNIQUE.encode(), f"{run}-{offset}-{index}".encode())
                sent = time.perf_counter()
                try:
                    response = await client.request(r.method, r.path, headers=r.headers, content=body)
                    failed = response.status_code >= 400
                except httpx.HTTPError:
                    failed = True
                latencies.append((time.perf_counter() - sent) * 1000)
                errors += failed

        await asyncio.gather(*(connection(k) for k in range(target.connections)))
        elapsed = time.perf_counter() - started
    return Result(
        generator="httpx",
        requests=len(latencies),
        seconds=elapsed,
        p50_ms=percentile(latencies, 50) if latencies else 0.0,
        p99_ms=percentile(latencies, 99) if latencies else 0.0,
        errors=errors,
    )
