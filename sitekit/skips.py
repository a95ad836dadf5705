"""The one allow-list of reasons anything on the site or in the tests may be skipped.

A page marks a block that needs an optional package with `<!-- needs: NAME -->`
right above it; NAME must be a key of `NEEDS`. Tests skip only with a reason
from `ALLOWED_REASONS`; the root `conftest.py` fails the run on any other skip,
and on every skip when `MICROGRAD_BOOK_NO_SKIPS` is set (as CI sets it). With
it set, the build fails on a block it would skip, too.
"""

from __future__ import annotations

import importlib.util
import os

#: Optional packages a block may need: import name -> the reason shown when it is missing.
NEEDS: dict[str, str] = {
    "torch": "needs PyTorch, which is not installed (pip install torch; CI installs the CPU build)",
}

CHROMIUM = ("needs Chromium or Chrome for the browser test (Debian: sudo apt-get install chromium; "
            "anywhere: .venv/bin/python -m playwright install chromium)")

#: Every reason a test may be skipped for.
ALLOWED_REASONS: tuple[str, ...] = (*NEEDS.values(), CHROMIUM)


def none_allowed() -> bool:
    """True when no skip at all is allowed (CI, and the published build)."""
    return bool(os.environ.get("MICROGRAD_BOOK_NO_SKIPS"))


def missing(name: str) -> str | None:
    """The skip reason if the optional package `name` is missing, else None."""
    if name not in NEEDS:
        raise KeyError(f"unknown requirement {name!r}: add it to sitekit.skips.NEEDS ({', '.join(NEEDS)})")
    return None if importlib.util.find_spec(name) else NEEDS[name]
