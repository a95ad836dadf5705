"""The collector's thresholds in the book's page runs, and the reader's (sitekit.collector)."""

from __future__ import annotations

import ast
import gc
import subprocess
import sys

import pytest

from sitekit import collector, pagerun

from .conftest import ROOT

THRESHOLDS_SEEN = "```python\nimport gc\nassert gc.get_threshold() == {!r}, gc.get_threshold()\n```\n"


@pytest.fixture(scope="module")
def fresh() -> tuple[int, int, int]:
    """A fresh Python's thresholds (asked when a test needs them, not when the tests are collected)."""
    out = subprocess.run([sys.executable, "-c", "import gc; print(gc.get_threshold())"],
                         capture_output=True, text=True, check=True).stdout
    return ast.literal_eval(out)


def test_only_the_full_collections_are_rarer_than_in_a_fresh_python(fresh):
    assert collector.THRESHOLDS[:2] == fresh[:2] and collector.THRESHOLDS[2] > fresh[2]


def test_a_build_runs_a_page_with_them_in_a_worker_and_here_and_then_sets_them_back():
    page = THRESHOLDS_SEEN.format(collector.THRESHOLDS)
    before = gc.get_threshold()
    runner = pagerun.Runner()
    try:
        runner.start("page.md", page)
        assert "failure" not in runner.result("page.md", page)
    finally:
        runner.close()
    assert "failure" not in pagerun.run(page, "page.md")
    assert gc.get_threshold() == before


def test_this_test_run_ran_its_pages_with_them_and_sets_them_back_after_each(pytester, fresh):
    pytester.makeconftest("from sitekit.blocks import sybil_for\npytest_collect_file = sybil_for('.').pytest()\n")
    pytester.makefile(".md", page=THRESHOLDS_SEEN.format(collector.THRESHOLDS))
    pytester.makepyfile(test_after=f"import gc\n\ndef test_after():\n    assert gc.get_threshold() == {fresh!r}\n")
    result = pytester.inline_run("page.md", "test_after.py", "-p", "no:cacheprovider")
    result.assertoutcome(passed=3)  # the page's block, its census, and the test after it


def test_the_reader_runs_a_page_with_a_fresh_pythons(tmp_path, fresh):
    page = tmp_path / "page.md"
    page.write_text(THRESHOLDS_SEEN.format(fresh))
    result = subprocess.run([sys.executable, "-m", "sitekit.blocks", str(page)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
