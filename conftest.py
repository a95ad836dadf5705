"""Test configuration for the whole repository.

It sits at the root because Sybil's collector only sees files below the
conftest that defines it, and the pages live in docs/.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from sitekit import blocks, verdicts
from sitekit.blocks import sybil_for
from sitekit.reference import docstring_sybil
from sitekit.skips import ALLOWED_REASONS, none_allowed

# Every block of every page is a test item, in page order (sitekit.blocks), and so is every
# `>>>` example in the package's docstrings (sitekit.reference). In a run that builds the
# site, a page's blocks take their verdicts from the build's run of the page (sitekit.verdicts).
_sybils = sybil_for("docs")
_sybils.append(docstring_sybil())
pytest_collect_file = verdicts.collector(_sybils)

# The site's builds (tests/sitekit/builds.py) are fixtures of the whole run: the pages read them.
pytest_plugins = ["pytester", "tests.sitekit.builds"]

_skips: list[tuple[str, str]] = []
_from_build: list[str] = []


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-output", action="store_true",
        help="rewrite each page's output fences with what the blocks now print (review the diff!)",
    )


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("--update-output"):
        blocks.OUTPUT_UPDATES = {}


ROOT = Path(__file__).resolve().parent


def pytest_itemcollected(item: pytest.Item) -> None:
    """Under pytest-xdist (`--dist loadgroup`), a page's blocks share one namespace and run
    in page order, so each page is one group: all its items go to one worker, in order.
    (Marked as each item is collected: pytest-xdist reads the groups in its own
    pytest_collection_modifyitems.)"""
    path = Path(str(item.path))
    if type(item).__name__ == "SybilItem" or path.is_relative_to(ROOT / "docs"):
        # (a module's docstring examples, collected by Sybil too, likewise share a namespace)
        item.add_marker(pytest.mark.xdist_group(f"page {path.relative_to(ROOT).as_posix()}"))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """If the run builds the site (after -k and other deselection), the pages' blocks take their
    verdicts from the build (sitekit.verdicts) and join the build's xdist group: the worker that
    makes the build reads its runs. Then put each item's xdist_group in its node id, as
    pytest-xdist 3.8 does for `--dist loadgroup` (the controller schedules by that suffix). It
    sets `item._nodeid`, which pytest 9.2 no longer reads (the id is `item._id`), so without this
    every group is split."""
    for item in verdicts.take_from_the_build(config, items):
        item.own_markers = [mark for mark in item.own_markers if mark.name != "xdist_group"]
        item.add_marker(pytest.mark.xdist_group("site_builds"))
    if not getattr(config.option, "loadgroup", False) or not hasattr(config, "workerinput"):
        return
    for item in items:
        groups = sorted({str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
                         for mark in item.iter_markers("xdist_group")})
        if groups and "@" not in item.nodeid and hasattr(item, "_id"):
            item._id = type(item._id).parse(f"{item.nodeid}@{'_'.join(groups)}")


def _reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    if isinstance(longrepr, tuple):  # (path, line, "Skipped: reason")
        return str(longrepr[2]).removeprefix("Skipped: ")
    return str(longrepr)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and not hasattr(report, "wasxfail"):
        _skips.append((report.nodeid, _reason(report)))
    if report.when == "call" and dict(report.user_properties).get(verdicts.FROM_BUILD):
        _from_build.append(report.nodeid)


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    if _from_build:
        pages = {nodeid.split("::")[0] for nodeid in _from_build}
        terminalreporter.write_line(
            f"{len(_from_build)} blocks of {len(pages)} pages took their verdicts from the site build's run of "
            "their page, in a fresh Python per page (sitekit/verdicts.py)")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run on a skip whose reason is not on the allow-list (on any skip under CI)."""
    for path in blocks.apply_output_updates():
        print(f"\nrewrote the output fences of {path}")
    if hasattr(session.config, "workerinput"):
        return  # a pytest-xdist worker: the controller sees every report and judges the skips
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
