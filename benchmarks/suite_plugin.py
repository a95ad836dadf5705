"""A pytest plugin for bench_tests.py: seconds per test file and per phase (setup, call, teardown),
the CPU seconds of each, and what each pytest-xdist worker did when.

Loaded with `-p benchmarks.suite_plugin`; writes the totals to $BENCH_SUITE_OUT at the end
of the session (on the controller only, under pytest-xdist, which relays every report to it).
A session-scoped fixture's work (the site build, say) is counted in the setup of the first
test that asks for it.

CPU seconds are the worker's own plus those of the child processes it waited for during the
phase (a build, a kernel, a fresh Python); processes that a child left to others to reap
(Chromium's renderers) may be missing, so the browser test's CPU is a lower bound.
"""

from __future__ import annotations

import json
import os
import resource
import time
from collections import defaultdict

import pytest

_seconds: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
_cpu: dict[str, float] = defaultdict(float)
_slowest: list[tuple[float, str, str]] = []
#: worker -> [first start, last stop, seconds busy]
_workers: dict[str, list[float]] = {}


def _cpu_now() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


#: CPU seconds when the item's current phase began.
_STARTED = pytest.StashKey[float]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    started = item.stash.get(_STARTED, None)
    if started is not None:  # (relayed to the controller with the report)
        report.user_properties.append(("cpu_seconds", _cpu_now() - started))
    return report


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item) -> None:
    item.stash[_STARTED] = _cpu_now()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item) -> None:
    item.stash[_STARTED] = _cpu_now()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_teardown(item) -> None:
    item.stash[_STARTED] = _cpu_now()


def pytest_runtest_logreport(report) -> None:
    path = report.nodeid.split("::")[0]
    _seconds[path][report.when] += report.duration
    _cpu[path] += dict(report.user_properties).get("cpu_seconds", 0.0)
    _slowest.append((report.duration, report.when, report.nodeid))
    node = getattr(report, "node", None)
    worker = node.gateway.id if node is not None else "main"
    span = _workers.setdefault(worker, [report.start, report.stop, 0.0])
    span[0], span[1] = min(span[0], report.start), max(span[1], report.stop)
    span[2] += report.duration


def pytest_sessionfinish(session) -> None:
    out = os.environ.get("BENCH_SUITE_OUT")
    if not out or hasattr(session.config, "workerinput"):
        return
    files = {path: {**phases, "total": sum(phases.values()), "cpu": _cpu[path]} for path, phases in _seconds.items()}
    slowest = [{"seconds": round(s, 2), "phase": when, "test": node}
               for s, when, node in sorted(_slowest, reverse=True)[:25]]
    begin = min((span[0] for span in _workers.values()), default=0.0)
    workers = {worker: {"first_test_at": round(first - begin, 1), "last_test_done_at": round(last - begin, 1),
                        "busy_seconds": round(busy, 1)}
               for worker, (first, last, busy) in sorted(_workers.items())}
    with open(out, "w", encoding="utf-8") as handle:
        json.dump({"files": files, "slowest": slowest, "workers": workers}, handle)
