"""Fixtures for the site tests: one test run and one build of the scratch book (scratch.py),
each done once. The site's two clean builds are fixtures of the whole run (builds.py): the
pages' blocks read the first one's runs (sitekit.verdicts).

Under pytest-xdist each worker is its own session, so every test here that uses one of these
fixtures or the site's builds is put in that fixture's group (`--dist loadgroup`): the work is
done once, in one worker, and those groups are handed out first, being the longest.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from .builds import build_site
from .scratch import PAGES

ROOT = Path(__file__).resolve().parents[2]
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
