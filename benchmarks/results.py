"""Recorded benchmark results: `benchmarks/results/<name>.json`, written by the benchmark scripts.

Pages of the book quote timings only by reading these files, never typed by hand. Each file holds
the date, the machine (platform and CPU count), the Python version and the benchmark's numbers:

    from benchmarks import results          # or, from benchmarks/: import results
    results.write("step", {"ratio": 0.01})  # benchmarks/results/step.json
    results.read("step")["numbers"]["ratio"]

A page shows figures from a record as a `Table` (the block's last value): the build renders it as
HTML under the block, a notebook as its own table, and a terminal prints it as text, so the figures
on a page always come from the file and change when a new run writes it.
"""

from __future__ import annotations

import datetime
import html
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


def measured(record: dict[str, Any]) -> str:
    """Where and when a record was made, in words: "measured on 2026-12-01, Linux-..., 2 CPUs, CPython 3.11.7"."""
    where = record["machine"]
    python = {"cpython": "CPython", "pypy": "PyPy"}.get(record["implementation"], record["implementation"])
    return f"measured on {record['date']}, {where['platform']}, {where['cpus']} CPUs, {python} {record['python']}"


class Table:
    """Rows of figures (already formatted as text) under a header, with a caption."""

    def __init__(self, header: list[str], rows: list[list[str]], caption: str = "") -> None:
        if any(len(row) != len(header) for row in rows):
            raise ValueError(f"every row needs {len(header)} cells, one per column of {header}")
        self.header, self.rows, self.caption = header, rows, caption

    def __repr__(self) -> str:
        lines = [self.header, *self.rows]
        widths = [max(len(str(line[i])) for line in lines) for i in range(len(self.header))]
        text = ["  ".join(f"{cell:<{w}}" if i == 0 else f"{cell:>{w}}" for i, (cell, w) in enumerate(zip(line, widths)))
                for line in lines]
        return "\n".join(text + ([f"({self.caption})"] if self.caption else []))

    def _repr_html_(self) -> str:
        """The table as HTML, as Jupyter and the book's build show a block's last value."""
        def cell(tag: str, text: object) -> str:
            return f"<{tag}>{html.escape(str(text))}</{tag}>"

        head = "".join(cell("th", text) for text in self.header)
        body = "".join("<tr>" + "".join(cell("td", text) for text in row) + "</tr>" for row in self.rows)
        caption = cell("caption", self.caption) if self.caption else ""
        return f"<table>{caption}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
