"""Test configuration for the whole repository.

It sits at the root because Sybil's collector only sees files below the
conftest that defines it, and the pages live in docs/.
"""

from __future__ import annotations

import pytest
from sybil.sybil import SybilCollection

from sitekit import blocks
from sitekit.blocks import sybil_for
from sitekit.reference import docstring_sybil
from sitekit.skips import ALLOWED_REASONS, none_allowed

# Every block of every page is a test item, in page order (sitekit.blocks), and so is every
# `>>>` example in the package's docstrings (sitekit.reference).
# A SybilCollection cannot be added to a Sybil (list.__add__ wants a list), so build one collection.
pytest_collect_file = SybilCollection([*sybil_for("docs"), docstring_sybil()]).pytest()

pytest_plugins = ["pytester"]

_skips: list[tuple[str, str]] = []


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-output", action="store_true",
        help="rewrite each page's output fences with what the blocks now print (review the diff!)",
    )


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--update-output"):
        blocks.OUTPUT_UPDATES = {}


def _reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple):  # (path, line, "Skipped: reason")
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and not hasattr(report, "wasxfail"):
        _skips.append((report.nodeid, _reason(report)))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run on a skip whose reason is not on the allow-list (on any skip under CI)."""
    for path in blocks.apply_output_updates():
        print(f"\nrewrote the output fences of {path}")
    strict = none_allowed()
    bad = [(node, reason) for node, reason in _skips if strict or reason not in ALLOWED_REASONS]
    if not bad:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    why = "no skip is allowed (MICROGRAD_BOOK_NO_SKIPS is set)" if strict else "reason not in sitekit.skips"
    if reporter:
        reporter.write_sep("=", f"{len(bad)} skip(s) not allowed: {why}", red=True)
        for node, reason in bad:
            reporter.write_line(f"{node}: {reason}")
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
