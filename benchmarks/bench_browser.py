"""What Chromium spends to load one page of the book: the browser test's floor.

    .venv/bin/python benchmarks/bench_browser.py [--site DIR] [--pages N]

The browser test (tests/sitekit/test_browser.py) loads every page of the built site in a fresh
browser context, once per colour scheme. Most of that work is Chromium's, in renderer processes
that Chromium starts and reaps itself, so neither pytest nor `getrusage` sees it. This script
counts it where it can be seen: the whole machine's busy CPU seconds (/proc/stat, Linux only)
around each page, loaded one page at a time, light scheme, in three ways:

- `blank`: a fresh context and an empty page (what a fresh context costs);
- `page`: a fresh context and the book's page, loaded until the network is idle, as the test does
  (the context and page are the test's own `open_page`);
- `page, empty search index`: the same with Material's search index answered by one with the
  site's settings and no documents (what building the index in the page's search worker costs).
  The test loads every page so but the one it searches (its `EmptyIndexHandler`): twice the
  `page, empty search index` total is its floor before any check.

It uses the browser the test finds (tests/sitekit/browser.py; MICROGRAD_BOOK_BROWSER names another,
to compare two) and builds the site first unless `--site` names a built one. It prints per page and in total, and
records the totals in results/browser.json. Run it on a quiet machine: anything else running is
counted too. The check itself (pictures, math, copy text, the home page's search, steppers, and
screenshots when asked for) comes on top.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import ROOT, busy_seconds, record  # noqa: E402

sys.path.insert(0, str(ROOT))
from tests.sitekit.browser import find_browser  # noqa: E402
from tests.sitekit.test_browser import (  # noqa: E402
    QUIET_FLAGS,
    EmptyIndexHandler,
    QuietHandler,
    Servers,
    open_page,
    pages_of,
    serving,
)

WAYS = ("blank", "page", "page, empty search index")


async def measure(chromium: str, servers: Servers, names: list[str]) -> dict[str, list[tuple[float, float]]]:
    from playwright.async_api import async_playwright

    seen: dict[str, list[tuple[float, float]]] = {way: [] for way in WAYS}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, headless=True, args=QUIET_FLAGS)
        try:
            for name in names:
                for way in WAYS:
                    cpu, started = busy_seconds(), time.perf_counter()
                    context, page = await open_page(browser, "light", errors=[])
                    if way == "blank":
                        await page.goto("data:text/html,<p>blank</p>")
                    else:
                        server = servers.empty_index if way == "page, empty search index" else servers.site
                        await page.goto(server + name, wait_until="networkidle")
                    await context.close()
                    seen[way].append((time.perf_counter() - started, busy_seconds() - cpu))
                row = "  ".join(f"{way} {cpu:4.1f}" for way, [*_, (_, cpu)] in seen.items())
                print(f"{name:48} CPU s: {row}", flush=True)
        finally:
            await browser.close()
    return seen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, help="a built site (default: build one now)")
    parser.add_argument("--pages", type=int, help="only the first N pages")
    args = parser.parse_args()
    chromium = find_browser()
    if chromium is None or not Path("/proc/stat").exists():
        print("needs Chromium (see tests/sitekit/browser.py) and Linux's /proc/stat", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as folder:
        site = args.site
        if site is None:
            site = Path(folder) / "site"
            print("building the site ...", flush=True)
            subprocess.run([sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(site)], cwd=ROOT,
                           check=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
        names = pages_of(site)[: args.pages]
        with serving(site, QuietHandler) as full, serving(site, EmptyIndexHandler) as empty:
            seen = asyncio.run(measure(chromium, Servers(full, empty), names))
    totals = {way: {"cpu_seconds": round(sum(cpu for _, cpu in rows), 1),
                    "wall_seconds": round(sum(wall for wall, _ in rows), 1)} for way, rows in seen.items()}
    print(f"{len(names)} pages, one at a time, in {chromium}; machine-wide busy CPU seconds (wall seconds):")
    for way, total in totals.items():
        print(f"  {way:26} {total['cpu_seconds']:6.1f} CPU s ({total['wall_seconds']:.1f} s)")
    per_scheme = totals["page, empty search index"]["cpu_seconds"]
    print(f"the browser test loads each page once per scheme, all but one with the empty index: at least "
          f"{2 * per_scheme:.0f} CPU s of Chromium before it checks anything ({os.cpu_count()} CPUs here)")
    record("browser", {"browser": Path(chromium).name, "pages": len(names), "cpus": os.cpu_count(), "totals": totals,
                       "per_page": {name: {way: round(seen[way][i][1], 2) for way in WAYS}
                                    for i, name in enumerate(names)}})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
