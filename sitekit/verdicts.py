"""A test run that builds the site takes each page block's verdict from the build's run of its page.

Every block of every page is a test item (Sybil, sitekit.blocks). The build runs every page too,
with the same grammar and evaluators, in a fresh Python of its own per page (sitekit.pagerun),
and a test run that checks the site makes a clean build of it anyway (tests/sitekit/builds.py).
Running each page once more in a pytest worker would be the same check in the same kind of
interpreter, and chapter 13's training run alone costs nine CPU seconds.

So, when the run builds the site (some collected test uses the `site_builds` fixture) and is not
rewriting output fences (`--update-output`):

- the first build, given SITEKIT_RUN_REPORT, leaves for each page it ran (`pagerun.record`) the run's key
  (`pagerun.run_key`: the page's blocks, the package, this machinery, what is installed), where
  each of the page's examples sits, and each outcome: passed, skipped (with the reason) or failed
  (with the build's report);
- each block's item (`PageItem`), once this worker has made the builds (the tests that use them
  come first), waits for that build and reports that outcome; a block after the one that failed
  fails too, naming it (the run stopped there, as a reader's would).

A page runs in the worker as before if the build did not run it, if its key differs from the one
the test run computes or its examples sit elsewhere (the page or the package edited while the
build ran), or if this worker made no build (`--lf` rerunning one block, or another worker under
`--dist load`); so does every page in a run that does not build the site
(`pytest docs/chapters/05-tanh-neuron.md`). The reader test (a fresh Python per page, visible
blocks only) and the notebook test (a Jupyter kernel per chapter) still run every page themselves.
"""

from __future__ import annotations

import json
import unittest
from pathlib import Path
from typing import Any

import pytest
from sybil import Sybil
from sybil.example import SybilFailure
from sybil.integration.pytest import SybilFile, SybilItem

from sitekit import pagerun
from sitekit.blocks import Page

#: The user property of a test report whose verdict came from the build (the summary counts them).
FROM_BUILD = "verdict from the build's run of the page"
#: Set by the `site_builds` fixture when it has started this worker's builds.
BUILDS_STARTED = pytest.StashKey[bool]()


class Runs:
    """The outcomes a build left in `folder`, checked against the pages as this run parsed them."""

    def __init__(self, folder: Path) -> None:
        self.pages = {}
        for file in sorted(folder.glob("*.json")):
            entry = json.loads(file.read_text(encoding="utf-8"))
            self.pages[entry["page"]] = entry
        self._fingerprint = pagerun.fingerprint()
        self._current: dict[int, bool] = {}

    def outcomes(self, document: Page) -> list[list[Any]] | None:
        """The build's outcomes for `document`, if the build ran these very blocks, where they sit
        now, with this package (a run's key leaves out where blocks sit: the build re-uses a run
        across prose edits, but outcomes are matched to items by line and column)."""
        entry = self.pages.get(str(Path(document.path).resolve()))
        if entry is None:
            return None
        if id(document) not in self._current:
            where = [[example.line, example.column] for example in document]
            self._current[id(document)] = (entry["key"] == pagerun.run_key(document, self._fingerprint)
                                           and entry["positions"] == where)
        return entry["outcomes"] if self._current[id(document)] else None


class PageItem(SybilItem):
    """One example of a page; with `from_build`, its verdict is the build's (see the module docstring)."""

    from_build = False

    def runtest(self) -> None:
        built = self.from_build and self.config.stash.get(BUILDS_STARTED, False)
        outcomes = self._request.getfixturevalue("site_page_runs").outcomes(self.example.document) \
            if built else None
        if outcomes is None:
            return super().runtest()
        self.user_properties.append((FROM_BUILD, True))
        here = (self.example.line, self.example.column)
        for line, column, outcome, message in outcomes:
            if (line, column) != here:
                continue
            if outcome == "skipped":
                raise unittest.SkipTest(message)
            if outcome == "failed":
                raise SybilFailure(self.example, f"(in the site build's run of the page)\n{message}")
            return None
        failed = [line for line, _, outcome, _ in outcomes if outcome == "failed"]
        raise SybilFailure(self.example, f"not run: the site build's run of the page stopped at line {failed[0]}"
                           if failed else "the site build's run of the page has no outcome for this example")


class PageFile(SybilFile):
    """A file Sybil parses; a page's blocks become PageItems (its census items and a module's
    docstring examples stay SybilItems)."""

    def collect(self):
        for sybil in self.sybils:
            document = sybil.parse(self.path)
            self.documents.append(document)
            kind = PageItem if isinstance(document, Page) and sybil.name != "census" else SybilItem
            for example in document.examples():
                yield kind.from_parent(self, sybil=sybil, example=example)


def collector(sybils: list[Sybil]):
    """`pytest_collect_file` for a conftest: Sybil's own, collecting PageFiles."""

    def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> PageFile | None:
        active = [sybil for sybil in sybils if sybil.should_parse(file_path)]
        return PageFile.from_parent(parent, path=file_path, sybils=active) if active else None

    return pytest_collect_file


def take_from_the_build(config: pytest.Config, items: list[pytest.Item]) -> list[PageItem]:
    """If the run builds the site (an item uses the `site_builds` fixture) and is not rewriting
    output fences, mark every page block of it to take its verdict from the build; returns them.
    Called once the run's items are chosen (-k and other deselection done)."""
    builds = any("site_builds" in getattr(item, "fixturenames", ()) for item in items)
    if not builds or config.getoption("--update-output", default=False):
        return []
    taken = [item for item in items if isinstance(item, PageItem)]
    for item in taken:
        item.from_build = True
    return taken
