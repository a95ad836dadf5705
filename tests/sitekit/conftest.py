"""Fixtures for the site tests: one clean, strict build of the site shared by the session."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

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
