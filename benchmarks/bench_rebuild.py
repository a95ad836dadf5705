"""How fast `mkdocs serve` rebuilds after an edit (prints numbers; records them).

    .venv/bin/python benchmarks/bench_rebuild.py [--chapters docs/chapters/05-tanh-neuron.md ...] [--profile]

It rebuilds the site the way `mkdocs serve` does, in one interpreter, loading the
configuration again before each build: a cold build (no cached page runs), a warm
rebuild (nothing changed), then for each chapter (every chapter by default):

- a prose edit: one sentence added to the chapter's first paragraph;
- a code edit (first chapter given only, or `--code-edits all`): one statement added
  to the chapter's first Python block, so the chapter must run again.

Each edit is undone before the next. Targets (issue 15, 2 cores): a prose edit at
most 1.5 s; a code edit at most that chapter's own run time (from the cold build's
"ran <page>" line) plus 1.5 s. `--profile` also prints where a prose-edit rebuild
spends its time (mkdocs, the page runs, highlighting, search indexing, MathML, notebooks,
templates). What the rebuilds remember is sitekit/rebuild.py's; the cold build starts with
none of it.

Results: benchmarks/results/rebuild.json.
"""

from __future__ import annotations

import argparse
import cProfile
import logging
import os
import pstats
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import ROOT, record  # noqa: E402

PROSE_TARGET = 1.5
RAN = re.compile(r"ran (\S+): (\d+) blocks in ([\d.]+) s")
#: Where a rebuild's time goes: (label, how the function's qualified name ends).
PHASES = [
    ("whole rebuild", "commands/build.py:build"),
    ("load_config", "config/base.py:load_config"),
    ("page runs (sitekit.hook._run)", "sitekit/hook.py:_run"),
    ("chapter notebooks (sitekit.hook.on_files)", "sitekit/hook.py:on_files"),
    ("Markdown to HTML (Page.render)", "structure/pages.py:render"),
    ("census (sitekit.hook.on_page_content)", "sitekit/hook.py:on_page_content"),
    ("pictures and MathML (sitekit.hook._finish)", "sitekit/hook.py:_finish"),
    ("highlighting (Pygments, on a miss of sitekit.rebuild)", "pygments/__init__.py:highlight"),
    ("search indexing (Material's search on_page_context)", "plugins/search/plugin.py:on_page_context"),
    ("search index written (Material's search on_post_build)", "plugins/search/plugin.py:on_post_build"),
    ("templates compiled (Jinja, on a miss of sitekit.rebuild)", "jinja2/environment.py:compile"),
    ("templates (build._build_page)", "commands/build.py:_build_page"),
    ("notebook page (mkdocs_jupyter)", "mkdocs_jupyter/plugin.py:on_page_markdown"),
    ("theme files copied (files.copy_static_files)", "structure/files.py:copy_static_files"),
]


class RunLog(logging.Handler):
    """Collects the build's own "ran <page>: N blocks in S s" lines."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.runs: dict[str, float] = {}

    def emit(self, record: logging.LogRecord) -> None:
        match = RAN.search(record.getMessage())
        if match:
            self.runs[match[1]] = float(match[3])


def prose_edited(text: str) -> str:
    """`text` with one sentence added to the first paragraph after the title."""
    lines = text.split("\n")
    in_fence = False
    for number, line in enumerate(lines):
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
        elif (not in_fence and number and line[:1].isalpha() and lines[number - 1].strip() == ""):
            lines[number] = line + " This sentence is an edit."
            return "\n".join(lines)
    raise ValueError("no paragraph of prose found")


def code_edited(text: str) -> str:
    """`text` with one statement added to its first runnable Python block."""
    match = re.search(r"^```python\n(?!--8<--)", text, re.MULTILINE)
    if match is None:
        raise ValueError("no python block found")
    return text[:match.end()] + "edit_marker = 'an edit'\n" + text[match.end():]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--chapters", nargs="*", type=Path,
                        default=sorted((ROOT / "docs" / "chapters").glob("*.md")))
    parser.add_argument("--code-edits", choices=["first", "all"], default="first")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    args.chapters = [(ROOT / chapter).resolve() for chapter in args.chapters]

    os.chdir(ROOT)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    shutil.rmtree(ROOT / ".cache" / "sitekit", ignore_errors=True)
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    runs = RunLog()
    logging.getLogger("mkdocs.hooks.sitekit").addHandler(runs)
    logging.getLogger("mkdocs.hooks.sitekit").setLevel(logging.INFO)

    with tempfile.TemporaryDirectory() as site_dir:
        def timed_build(profile: cProfile.Profile | None = None) -> float:
            started = time.perf_counter()
            if profile:
                profile.enable()
            # `mkdocs serve` loads the configuration again for every rebuild.
            build(load_config(str(ROOT / "mkdocs.yml"), site_dir=site_dir))
            if profile:
                profile.disable()
            return time.perf_counter() - started

        def edited_build(chapter: Path, edit, profile=None) -> float:
            original = chapter.read_text(encoding="utf-8")
            try:
                chapter.write_text(edit(original), encoding="utf-8")
                return timed_build(profile)
            finally:
                chapter.write_text(original, encoding="utf-8")

        cold = timed_build()
        chapter_runs = dict(runs.runs)
        warm = timed_build()
        prose = {}
        for chapter in args.chapters:
            prose[chapter.name] = edited_build(chapter, prose_edited)
            print(f"rebuild after a prose edit of {chapter.name}: {prose[chapter.name]:5.2f} s", flush=True)
        code = {}
        for chapter in args.chapters if args.code_edits == "all" else args.chapters[:1]:
            code[chapter.name] = edited_build(chapter, code_edited)
            own = chapter_runs.get(chapter.relative_to(ROOT / "docs").as_posix(), 0.0)
            print(f"rebuild after a code edit of {chapter.name}:  {code[chapter.name]:5.2f} s "
                  f"(its run took {own:.2f} s in the cold build; target {own + PROSE_TARGET:.2f} s)", flush=True)
        profile_rows = {}
        if args.profile:
            profile = cProfile.Profile()
            edited_build(args.chapters[0], prose_edited, profile)
            stats = pstats.Stats(profile)
            for label, suffix in PHASES:
                seconds = sum(entry[3] for (path, _, name), entry in stats.stats.items()
                              if f"{path}:{name}".endswith(suffix))
                profile_rows[label] = round(seconds, 3)

    print(f"\ncold build (every page runs):     {cold:6.2f} s")
    print(f"warm rebuild (nothing changed):   {warm:6.2f} s")
    worst = max(prose, key=prose.get)
    print(f"prose edit, slowest chapter:      {prose[worst]:6.2f} s ({worst}; target {PROSE_TARGET} s)")
    if profile_rows:
        print(f"where a prose-edit rebuild of {args.chapters[0].name} goes (cumulative seconds, under cProfile):")
        for label, seconds in profile_rows.items():
            print(f"  {seconds:6.2f}  {label}")
    record("rebuild", {
        "cold_build_seconds": round(cold, 2), "warm_rebuild_seconds": round(warm, 2),
        "prose_edit_seconds": {k: round(v, 2) for k, v in prose.items()},
        "code_edit_seconds": {k: round(v, 2) for k, v in code.items()},
        "chapter_run_seconds": chapter_runs, "prose_target_seconds": PROSE_TARGET,
        "profile_of_a_prose_edit": profile_rows,
    })
    return 0


if __name__ == "__main__":
    main()
