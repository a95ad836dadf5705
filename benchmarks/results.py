"""Recorded benchmark results: `benchmarks/results/<name>.json`, written by the benchmark scripts.

Pages of the book quote timings only by reading these files, never typed by hand. Each file holds
the date, the machine (platform and CPU count), the Python version and the benchmark's numbers:

    from benchmarks import results          # or, from benchmarks/: import results
    results.write("step", {"ratio": 0.01})  # benchmarks/results/step.json
    results.read("step")["numbers"]["ratio"]
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import sys
from pathlib import Path
from typing import Any

DIRECTORY = Path(__file__).resolve().parent / "results"


def machine() -> dict[str, Any]:
    """Where a benchmark ran: the platform, the processor and the number of CPUs."""
    return {
        "platform": platform.platform(),
        "processor": platform.machine(),
        "cpus": os.cpu_count(),
    }


def write(name: str, numbers: dict[str, Any]) -> Path:
    """Record `numbers` as benchmarks/results/<name>.json, with the date, machine and Python."""
    record = {
        "benchmark": name,
        "date": datetime.date.today().isoformat(),
        "machine": machine(),
        "python": platform.python_version(),
        "implementation": sys.implementation.name,
        "numbers": numbers,
    }
    DIRECTORY.mkdir(exist_ok=True)
    path = DIRECTORY / f"{name}.json"
    path.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return path


def read(name: str) -> dict[str, Any]:
    """The record benchmarks/results/<name>.json, as `write` made it."""
    return json.loads((DIRECTORY / f"{name}.json").read_text(encoding="utf-8"))
