"""A pytest plugin for bench_tests.py: seconds per test file and per phase (setup, call, teardown).

Loaded with `-p benchmarks.suite_plugin`; writes the totals to $BENCH_SUITE_OUT at the end
of the session (on the controller only, under pytest-xdist, which relays every report to it).
A session-scoped fixture's work (the site build, say) is counted in the setup of the first
test that asks for it.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict

_seconds: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
_slowest: list[tuple[float, str, str]] = []


def pytest_runtest_logreport(report) -> None:
    path = report.nodeid.split("::")[0]
    _seconds[path][report.when] += report.duration
    _slowest.append((report.duration, report.when, report.nodeid))


def pytest_sessionfinish(session) -> None:
    out = os.environ.get("BENCH_SUITE_OUT")
    if not out or hasattr(session.config, "workerinput"):
        return
    files = {path: {**phases, "total": sum(phases.values())} for path, phases in _seconds.items()}
    slowest = [{"seconds": round(s, 2), "phase": when, "test": node}
               for s, when, node in sorted(_slowest, reverse=True)[:25]]
    with open(out, "w", encoding="utf-8") as handle:
        json.dump({"files": files, "slowest": slowest}, handle)
