"""Shared by the test-suite and build benchmarks: timing a command, and recording the result.

Wall time on a shared machine says as much about the neighbours as about us, so
every measurement also records the CPU seconds the command and its children used
(`resource.getrusage(RUSAGE_CHILDREN)`) and the load average before it started, and, on
Linux, the whole machine's busy CPU seconds meanwhile (/proc/stat): what the command's
processes used that it never reaps (Chromium's renderers, the build's page processes forked by
a forkserver) is counted only there, along with anything else that ran.
Results go to `benchmarks/results/<name>.json` through `results.write`, the one writer of
the book's benchmark records.
"""

from __future__ import annotations

import os
import resource
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import results  # noqa: E402  (benchmarks/ is on sys.path: the scripts run from there)

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Timed:
    wall: float
    cpu: float
    returncode: int
    stdout: str
    stderr: str
    #: The machine's busy CPU seconds while the command ran (None where /proc/stat is not).
    machine_cpu: float | None = None


def busy_seconds() -> float | None:
    """The machine's busy CPU seconds since boot (all but idle and iowait), or None off Linux."""
    stat = Path("/proc/stat")
    if not stat.exists():
        return None
    fields = [int(x) for x in stat.read_text().splitlines()[0].split()[1:]]
    return (sum(fields) - fields[3] - fields[4]) / os.sysconf("SC_CLK_TCK")


def run_timed(cmd: list[str], *, cwd: Path = ROOT, env: dict[str, str] | None = None, echo: bool = True) -> Timed:
    """Run `cmd`, printing its output as it comes (when `echo`), and time it: wall and CPU seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    busy_before = busy_seconds()
    started = time.perf_counter()
    process = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    for line in process.stdout:
        lines.append(line)
        if echo:
            print(line, end="", flush=True)
    process.wait()
    wall = time.perf_counter() - started
    busy_after = busy_seconds()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    machine = None if busy_before is None or busy_after is None else busy_after - busy_before
    return Timed(wall, cpu, process.returncode, "".join(lines), "", machine)


def record(name: str, numbers: dict) -> Path:
    """Record `numbers`, with the load average they were measured under, through `results.write`."""
    load = list(os.getloadavg()) if hasattr(os, "getloadavg") else None
    path = results.write(name, {"load_average": load, **numbers})
    print(f"recorded {path.relative_to(ROOT)}")
    return path
