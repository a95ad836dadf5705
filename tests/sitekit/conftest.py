"""Fixtures for the site tests: two clean, strict builds of the site shared by the session
(the browser test reads the first, the reproducibility test compares the two), and one test
run and one build of the scratch book (scratch.py), each done once.

Under pytest-xdist each worker is its own session, so every test that uses one of these
fixtures is put in that fixture's group (`--dist loadgroup`): the work is done once, in one
worker, and those groups are handed out first, being the longest.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import textwrap
import typing
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from .scratch import PAGES

ROOT = Path(__file__).resolve().parents[2]
#: Any fixed time: with it, two builds of one commit must give the same bytes. CI sets the
#: commit's time, as the published site has it.
SOURCE_DATE_EPOCH = os.environ.get("SOURCE_DATE_EPOCH", "1700000000")
#: Where the first build goes when the run should keep it: CI publishes the build that the
#: tests checked (.ci/run), rather than building the site a third time.
KEEP_SITE = os.environ.get("MICROGRAD_BOOK_SITE_DIR")


#: The session fixtures that do long work, each shared by several tests (see the module docstring).
SHARED = ("site_builds", "scratch_build", "scratch_run")


def pytest_itemcollected(item: pytest.Item) -> None:
    # As each item is collected: pytest-xdist reads the groups in its pytest_collection_modifyitems.
    shared = [name for name in SHARED if name in getattr(item, "fixturenames", ())]
    if shared:
        item.add_marker(pytest.mark.xdist_group(shared[0]))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Longest first (a stable sort keeps each group's own order).
    items.sort(key=lambda item: 0 if "site_builds" in getattr(item, "fixturenames", ()) else 1)


@dataclass
class Build:
    """A `mkdocs build` under way. Its output goes to files, not pipes: a build that
    nobody reads yet must not stop on a full pipe."""

    process: subprocess.Popen
    output: tuple[typing.IO[str], typing.IO[str]]

    def finish(self) -> subprocess.CompletedProcess:
        self.process.wait()
        stdout, stderr = (self._read(stream) for stream in self.output)
        return subprocess.CompletedProcess(self.process.args, self.process.returncode, stdout, stderr)

    @staticmethod
    def _read(stream: typing.IO[str]) -> str:
        stream.seek(0)
        text = stream.read()
        stream.close()
        return text


def start_build(destination: Path, config: Path = ROOT / "mkdocs.yml", *, behind: bool = False) -> Build:
    """Start `mkdocs build --strict` from scratch (no cached page runs) into `destination`; `behind`:
    at a lower priority (nice 10, where there is one), so that it takes the processor only when
    the rest of the run leaves it idle."""
    env = dict(os.environ, SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH, SITEKIT_NO_CACHE="1", NO_MKDOCS_2_WARNING="1")
    output = (tempfile.TemporaryFile("w+"), tempfile.TemporaryFile("w+"))
    lower = {"preexec_fn": lambda: os.nice(10)} if behind and hasattr(os, "nice") else {}
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config), "--site-dir",
         str(destination)],
        cwd=ROOT, env=env, stdout=output[0], stderr=output[1], text=True, **lower,
    )
    return Build(process, output)


def build_site(destination: Path, config: Path = ROOT / "mkdocs.yml") -> subprocess.CompletedProcess:
    """`mkdocs build --strict` from scratch (no cached page runs) into `destination`."""
    return start_build(destination, config).finish()


@pytest.fixture(scope="session")
def site_builds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, tuple[Path, Build]]]:
    """Two clean builds of the site, started together: the second, at a lower priority, runs
    while the browser test reads the first (which the browser test waits for: the longest chain
    of the run)."""
    builds = {}
    for name in ("site", "again"):
        site = tmp_path_factory.mktemp(name)
        if name == "site" and KEEP_SITE:
            site = (ROOT / KEEP_SITE).resolve()
        builds[name] = (site, start_build(site, behind=name == "again"))
    yield builds
    for _, build in builds.values():
        if build.process.poll() is None:  # a test failed before waiting for it
            build.process.kill()
            build.finish()


def _finished(builds: dict, name: str) -> Path:
    site, build = builds[name]
    result = build.finish()
    assert result.returncode == 0, f"the strict build failed:\n{result.stdout}\n{result.stderr}"
    return site


@pytest.fixture(scope="session")
def built_site(site_builds) -> Path:
    return _finished(site_builds, "site")


@pytest.fixture(scope="session")
def rebuilt_site(site_builds) -> Path:
    """The second clean build, to compare byte for byte with `built_site`."""
    return _finished(site_builds, "again")


def scratch_site(folder: Path, pages: dict[str, str], *, reference: bool = False) -> Path:
    """A site of `pages` that inherits every setting of the real one, with the API reference if
    `reference`; returns its config file."""
    docs = folder / "docs"
    (docs / "assets").mkdir(parents=True)
    (docs / "assets" / "book.css").write_text("")
    for name, text in pages.items():
        (docs / name).write_text(text)
    config = folder / "mkdocs.yml"
    config.write_text(textwrap.dedent(f"""
        INHERIT: {ROOT / "mkdocs.yml"}
        docs_dir: {docs}
        hooks: [{ROOT / "sitekit" / "hook.py"}]
        theme:
          name: material
          custom_dir: {ROOT / "sitekit" / "theme"}
        watch: [{ROOT / "micrograd"}, {ROOT / "sitekit"}]
        nav: {sorted(pages) + ([{"Reference": []}] if reference else [])}
        """))
    return config


@pytest.fixture(scope="session")
def scratch_build(tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess:
    """One strict build of the scratch book (it must fail; each test reads its report)."""
    folder = tmp_path_factory.mktemp("scratch-build")
    return build_site(folder / "site", scratch_site(folder, PAGES))


@pytest.fixture(scope="session")
def scratch_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[str, str]]:
    """One pytest run over the scratch book, as the repository's conftest collects pages:
    node id -> (outcome, message)."""
    folder = tmp_path_factory.mktemp("scratch-run")
    (folder / "conftest.py").write_text("from sitekit.blocks import sybil_for\n"
                                        "pytest_collect_file = sybil_for('.').pytest()\n")
    for name, text in PAGES.items():
        (folder / name).write_text(text)
    report = folder / "report.xml"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--tb=short",
                             f"--junitxml={report}", "--rootdir", str(folder), str(folder)],
                            cwd=folder, env=env, capture_output=True, text=True)
    assert result.returncode in (0, 1), f"the test run did not finish:\n{result.stdout}\n{result.stderr}"
    outcomes = {}
    for case in ET.parse(report).iter("testcase"):
        node = f"{case.get('classname')}::{case.get('name')}"
        outcome, message = "passed", ""
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                outcome, message = child.tag, f"{child.get('message', '')}\n{child.text or ''}"
        outcomes[node] = (outcome, message)
    return outcomes
