"""A reader who copies a page's visible blocks, in order, into a fresh Python gets what the page shows.

Each page runs in a new interpreter with its invisible blocks left out, so a
page that hides setup its visible code needs fails here.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted(path.relative_to(ROOT).as_posix() for path in (ROOT / "docs").rglob("*.md"))


@pytest.mark.parametrize("page", PAGES)
def test_visible_blocks_alone_reproduce_the_page(page):
    result = subprocess.run([sys.executable, "-m", "sitekit.blocks", page], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
