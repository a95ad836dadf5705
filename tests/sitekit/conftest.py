"""Fixtures for the site tests: one clean, strict build of the site shared by the session,
and one test run and one build of the scratch book (scratch.py), each done once."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from .scratch import PAGES

ROOT = Path(__file__).resolve().parents[2]
#: Any fixed time: with it, two builds of one commit must give the same bytes.
SOURCE_DATE_EPOCH = "1700000000"


def build_site(destination: Path, config: Path = ROOT / "mkdocs.yml") -> subprocess.CompletedProcess:
    """`mkdocs build --strict` from scratch (no cached page runs) into `destination`."""
    env = dict(os.environ, SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH, SITEKIT_NO_CACHE="1", NO_MKDOCS_2_WARNING="1")
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(config), "--site-dir",
         str(destination)],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("site")
    result = build_site(site)
    assert result.returncode == 0, f"the strict build failed:\n{result.stdout}\n{result.stderr}"
    return site


def scratch_site(folder: Path, pages: dict[str, str]) -> Path:
    """A site of `pages` that inherits every setting of the real one; returns its config file."""
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
        nav: {sorted(pages)}
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
