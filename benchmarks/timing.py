"""Shared by the test-suite and build benchmarks: timing a command, and recording the result.

Wall time on a shared machine says as much about the neighbours as about us, so
every measurement also records the CPU seconds the command and its children used
(`resource.getrusage(RUSAGE_CHILDREN)`) and the load average before it started.
Results go to `benchmarks/results/<name>.json` with the date, the machine and the
Python version, as every benchmark result of the book does.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"


@dataclass
class Timed:
    wall: float
    cpu: float
    returncode: int
    stdout: str
    stderr: str


def run_timed(cmd: list[str], *, cwd: Path = ROOT, env: dict[str, str] | None = None, echo: bool = True) -> Timed:
    """Run `cmd`, printing its output as it comes (when `echo`), and time it: wall and CPU seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    for line in process.stdout:
        lines.append(line)
        if echo:
            print(line, end="", flush=True)
    process.wait()
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timed(wall, cpu, process.returncode, "".join(lines), "")


def machine() -> dict:
    return {
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
    }


def record(name: str, numbers: dict) -> Path:
    """Write `numbers` with the date, the machine and the Python version to results/<name>.json."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    result = {
        "name": name,
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(),
        "python": sys.version.split()[0],
        **numbers,
    }
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"recorded {path.relative_to(ROOT)}")
    return path
