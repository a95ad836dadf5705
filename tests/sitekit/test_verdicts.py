"""A run that builds the site takes each page block's verdict from the build's run (sitekit.verdicts).

The build is played by `pagerun.run` and `pagerun.record`, as the hook calls them; the test run is
a pytest run over a scratch folder whose conftest wires pages as the repository's does.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from sitekit import pagerun
from sitekit.blocks import parse_text

CONFTEST = """
from pathlib import Path

import pytest

from sitekit import verdicts
from sitekit.blocks import sybil_for

pytest_collect_file = verdicts.collector(sybil_for("pages"))


@pytest.fixture(scope="session")
def site_builds(pytestconfig):
    pytestconfig.stash[verdicts.BUILDS_STARTED] = True
    return {}


@pytest.fixture(scope="session")
def site_page_runs():
    return verdicts.Runs(Path("report"))


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    verdicts.take_from_the_build(config, items)
"""

PAGES = {
    # runs, and its blocks pass
    "good.md": "```python\nx = 2\n```\n\n```pycon\n>>> x + 1\n3\n```\n",
    # its second block fails: the third is never run
    "failing.md": "```python\nx = 1\n```\n\n```python\nassert x == 2, 'x is not 2'\n```\n\n```python\ny = x\n```\n",
    # never run by the "build": it runs in the test run
    "unrun.md": "```python\nassert 1 + 1 == 2\n```\n",
}
#: Recorded as it was, then edited: its block now fails, and only a run of the edited page sees it.
STALE = ("```python\nassert True\n```\n", "```python\nassert False, 'edited after the build'\n```\n")
SKIPPED = "```python\nraise SystemExit('a skipped block must never run')\n```\n"
#: The same block, recorded four lines lower (prose added above it since): a verdict to refuse.
SHIFTED = "```python\nassert 2 + 2 == 4\n```\n"


@pytest.fixture
def scratch(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """The scratch folder, with each page's "build" run recorded in report/ (and one verdict by hand)."""
    pytester.makeconftest(CONFTEST)
    pages, report = pytester.path / "pages", pytester.path / "report"
    pages.mkdir()
    report.mkdir()
    monkeypatch.setenv(pagerun.REPORT, str(report))
    fingerprint = pagerun.fingerprint()

    def build(name: str, text: str) -> None:
        path = pages / name
        path.write_text(text)
        pagerun.record(str(path), pagerun.run_key(parse_text(text, str(path)), fingerprint), pagerun.run(text, str(path)))

    for name, text in PAGES.items():
        (pages / name).write_text(text)
        if name != "unrun.md":
            build(name, text)
    build("stale.md", STALE[0])
    (pages / "stale.md").write_text(STALE[1])
    # A skip, as a build without the needed package records it: this block must not run.
    path = pages / "skipped.md"
    path.write_text(SKIPPED)
    key = pagerun.run_key(parse_text(SKIPPED, str(path)), fingerprint)
    pagerun.record(str(path), key, {"positions": [[1, 1]],
                                    "outcomes": [[1, 1, "skipped", "needs a package that is missing"]]})
    path = pages / "shifted.md"
    path.write_text(SHIFTED)
    key = pagerun.run_key(parse_text(SHIFTED, str(path)), fingerprint)  # the key leaves out where blocks sit
    pagerun.record(str(path), key, {"positions": [[5, 1]], "outcomes": [[5, 1, "failed", "a stale verdict"]]})
    monkeypatch.delenv(pagerun.REPORT)
    return pytester


def outcomes(result: pytest.RunResult) -> dict[str, str]:
    """Each page block's outcome (census items left out), by page and line."""
    found = {}
    for line in result.outlines:
        words = line.split()
        if len(words) >= 2 and words[0].startswith("pages/") and words[1] in ("PASSED", "FAILED", "SKIPPED"):
            page, _, where = words[0].partition("::")
            if not where.startswith("sybil:census"):
                found[f"{page.removeprefix('pages/')} {where.split(',')[0]}"] = words[1]
    return found


def test_a_run_that_builds_the_site_reports_the_builds_outcome_of_each_block(scratch):
    scratch.makepyfile(test_site="def test_uses_the_build(site_builds):\n    pass\n")
    result = scratch.runpytest_inprocess("-p", "no:cacheprovider", "-v", "-rs", "test_site.py", "pages")
    assert outcomes(result) == {
        "good.md line:1": "PASSED", "good.md line:6": "PASSED",
        "failing.md line:1": "PASSED", "failing.md line:5": "FAILED", "failing.md line:9": "FAILED",
        "unrun.md line:1": "PASSED",
        "stale.md line:1": "FAILED",
        "skipped.md line:1": "SKIPPED",
        "shifted.md line:1": "PASSED",  # its blocks moved since the build: it ran here
    }
    text = result.stdout.str()
    assert "(in the site build's run of the page)" in text and "x is not 2" in text
    assert "not run: the site build's run of the page stopped at line 5" in text
    assert "edited after the build" in text  # the edited page ran here, not its stale verdict
    assert "needs a package that is missing" in text and "a stale verdict" not in text


def test_blocks_that_run_before_the_builds_are_made_run_themselves(scratch):
    """As when `--lf` reruns only a block, or under `--dist load` in a worker that makes no build."""
    scratch.makepyfile(test_site="def test_uses_the_build(site_builds):\n    pass\n")
    result = scratch.runpytest_inprocess("-p", "no:cacheprovider", "-v", "pages", "test_site.py")
    found = outcomes(result)
    assert found["failing.md line:9"] == "PASSED" and found["skipped.md line:1"] == "FAILED"
    assert "in the site build's run" not in result.stdout.str()


def test_a_run_that_does_not_build_the_site_runs_every_page_itself(scratch):
    result = scratch.runpytest_inprocess("-p", "no:cacheprovider", "-v", "pages")
    found = outcomes(result)
    assert found["failing.md line:5"] == "FAILED" and found["failing.md line:9"] == "PASSED"
    assert found["skipped.md line:1"] == "FAILED"  # it ran: its SystemExit fails the block
    assert "in the site build's run" not in result.stdout.str()


def test_the_build_records_every_examples_outcome_in_page_order(tmp_path, monkeypatch):
    monkeypatch.setenv(pagerun.REPORT, str(tmp_path))
    page = tmp_path / "page.md"
    text = textwrap.dedent(PAGES["failing.md"])
    page.write_text(text)
    result = pagerun.run(text, str(page))
    pagerun.record(str(page), "key", result)
    [entry] = [json.loads(file.read_text()) for file in tmp_path.glob("*.json")]
    assert entry["page"] == str(page.resolve()) and entry["key"] == "key"
    assert entry["positions"] == [[1, 1], [5, 1], [9, 1]]  # every example's, the unrun one's too
    assert [(line, outcome) for line, _, outcome, _ in entry["outcomes"]] == [(1, "passed"), (5, "failed")]
    assert "x is not 2" in entry["outcomes"][1][3] and not list(Path(tmp_path).glob("*.partial"))
