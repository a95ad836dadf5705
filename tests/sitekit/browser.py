"""Find a Chromium-family browser that really runs, for the browser test and for CI.

Debian has `chromium` and `chromium-headless-shell`; GitHub's Ubuntu runners
have `google-chrome`, and their `chromium-browser` is a stub that asks for a
snap. So a name on PATH is not enough: the browser must answer `--version`.
`MICROGRAD_BOOK_BROWSER` names one explicitly; Playwright's own Chromium
(`playwright install chromium`) counts too.

The headless shell comes first where it is installed: it is Chromium's own
headless build (the same Blink, V8 and Skia, without the desktop browser's
layer on top), the one Playwright itself runs for headless pages, and it
loads and checks a page of the book for a fifth to a quarter less CPU than
the `chromium` browser run headless (benchmarks/bench_browser.py, with
MICROGRAD_BOOK_BROWSER naming each, and the whole check of a scheme).

`python3 -m tests.sitekit.browser` prints the browser found (exit 0) or what
was tried (exit 1); `.ci/run` uses it before and after installing one.
It needs nothing but the standard library, so it runs before the venv exists.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

CANDIDATES = ("chromium-headless-shell", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def runs(path: str) -> bool:
    """True if `path --version` answers like Chromium or Chrome."""
    try:
        answer = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return answer.returncode == 0 and ("Chromium" in answer.stdout or "Chrome" in answer.stdout)


def _playwright_chromium() -> str | None:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    with sync_playwright() as playwright:
        path = playwright.chromium.executable_path
    return path if os.path.exists(path) else None


def find_browser(candidates: tuple[str, ...] = CANDIDATES) -> str | None:
    """The first browser that runs: the one named by MICROGRAD_BOOK_BROWSER, one on PATH, or Playwright's."""
    named = os.environ.get("MICROGRAD_BOOK_BROWSER")
    if named:
        return named if runs(named) else None
    for name in candidates:
        path = shutil.which(name)
        if path and runs(path):
            return path
    path = _playwright_chromium()
    return path if path and runs(path) else None


def main() -> int:
    path = find_browser()
    if path:
        print(path)
        return 0
    print(f"no browser that runs: tried $MICROGRAD_BOOK_BROWSER, {', '.join(CANDIDATES)} on PATH, "
          "and Playwright's Chromium", file=sys.stderr)
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
