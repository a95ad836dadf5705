"""How fast `mkdocs serve` rebuilds after an edit (run by hand; prints numbers).

    .venv/bin/python benchmarks/bench_rebuild.py [docs/chapters/01-derivatives.md]

It builds the site the way `mkdocs serve` does, in one interpreter: a cold
build (no cached page runs), a warm rebuild (nothing changed), then a rebuild
after a one-line edit to one chapter, which re-runs that chapter only. The
target is the warm time plus the chapter's own run time, and under 2 s of
overhead. The chapter is restored afterwards.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    os.chdir(ROOT)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    chapter = ROOT / (sys.argv[1] if len(sys.argv) > 1 else "docs/chapters/01-derivatives.md")
    cache = ROOT / ".cache" / "sitekit"
    shutil.rmtree(cache, ignore_errors=True)
    logging.getLogger("mkdocs").setLevel(logging.WARNING)

    with tempfile.TemporaryDirectory() as site_dir:
        def timed_build() -> float:
            config = load_config(str(ROOT / "mkdocs.yml"), site_dir=site_dir)
            started = time.perf_counter()
            build(config)
            return time.perf_counter() - started

        cold = timed_build()
        warm = timed_build()
        original = chapter.read_text(encoding="utf-8")
        try:
            chapter.write_text(original + "\n<!-- an edit -->\n", encoding="utf-8")
            edited = timed_build()
        finally:
            chapter.write_text(original, encoding="utf-8")

    print(f"cold build (every page runs):      {cold:6.2f} s")
    print(f"warm rebuild (nothing changed):    {warm:6.2f} s")
    print(f"rebuild after editing {chapter.name}: {edited:6.2f} s")
    print(f"edit overhead over a warm rebuild: {edited - warm:6.2f} s (includes that chapter's own run)")


if __name__ == "__main__":
    main()
