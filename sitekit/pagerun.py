"""Running a page for the build: what a run depends on, and runs in worker processes.

- `fingerprint`: the package, this machinery and what is installed; any change re-runs every page.
- `run_key`: a page's run gives the same result (its pictures, or its failure) as long as
  its runnable content is the same: each block's source, the output the page shows for it,
  whether it is visible, which package it needs, in page order, and the fences the grammar
  rejects. The prose around the blocks does not change the run, so an edit of the prose
  re-uses it. Pictures are then placed by block index, not by character offset.
- `record`: a build given a folder in SITEKIT_RUN_REPORT leaves there each run's outcomes, for a
  test run that takes its blocks' verdicts from the build (sitekit.verdicts).
- `Runner`: every page that has to run starts at once, each in a process of its own that
  runs no other page, at most one per core at a time: a fresh fork of a clean server process
  (forkserver; spawn where there is none), which has imported only third-party libraries,
  never the package or this machinery, so edits to either are picked up. The build collects
  each result when it reaches the page; a run's result comes back as a file, so a run whose
  result nobody collects (a failed build, an interrupted one) still finishes and exits. They
  run with the collector's thresholds of sitekit.collector, as the test run's pages do.
  Not a ProcessPoolExecutor retiring each worker after one page (`max_tasks_per_child`):
  under Python 3.11 one of its workers was sometimes left, after its build had finished,
  blocked for good writing its result to a pipe nobody read (cpython issues 115634 and
  119592 are that option's known hangs), and Python 3.10 has no such option.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import multiprocessing
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from sitekit import collector, skips
from sitekit.blocks import Block, Page, parse_text, run_page

ROOT = Path(__file__).resolve().parents[1]
#: Imported once by the server process the workers fork from (never micrograd or sitekit). torch,
#: where installed, because five pages import it and it takes 3.3 CPU s to import each time
#: (one `import torch` here instead of five). A module that is not installed is left out.
_PRELOAD = ["sybil", "numpy", "graphviz", "matplotlib", "matplotlib.pyplot", "torch"]


def fingerprint() -> str:
    """Hash of the package and the machinery: any edit to them invalidates every cached run."""
    digest = hashlib.sha256()
    for folder in ("micrograd", "sitekit"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    # Whether optional packages are present changes which blocks run, and the versions of
    # what the pages use (matplotlib, graphviz, numpy, ...) can change what they draw.
    digest.update(repr([skips.missing(name) for name in skips.NEEDS]).encode())
    digest.update(repr(_installed()).encode())
    return digest.hexdigest()


def _installed() -> list[tuple[str, str]]:
    """Each installed distribution's name and version, once. (`distributions()` lists a
    distribution once per sys.path entry it is found under: mkdocstrings' `paths: ["."]` puts the
    root, and so this project's egg-info, on sys.path during the first build, and a list with
    repeats changed the fingerprint between the first build of `mkdocs serve` and its rebuild,
    which then ran every page again.)"""
    from importlib import metadata

    return sorted({(dist.metadata["Name"] or "", dist.version) for dist in metadata.distributions()})


def run_key(page: Page, fingerprint: str) -> str:
    """Hash of everything a run of `page` depends on (see the module docstring)."""
    examples = list(page)
    # A `needs:` directive applies to the block after it: key it by that block's index.
    needs = [(name, next((i for i, example in enumerate(examples) if example.start >= end), None))
             for _, end, name, _ in page.needs]
    parts: list[Any] = [fingerprint, page.python_fences, page.included, page.rejected, needs]
    for example in examples:
        parsed = example.parsed
        if isinstance(parsed, Block):
            parts.append(["block", parsed.source, parsed.expected, parsed.visible])
        elif parsed is None:  # an error region: it fails the run
            parts.append(["error"])
        else:  # a doctest example
            parts.append(["doctest", parsed.source, parsed.want, parsed.exc_msg])
    return hashlib.sha256(json.dumps(parts, default=repr).encode()).hexdigest()


def run(text: str, path: str) -> dict:
    """Run the page: {"displays": {block index: svg}, "blocks": n, "seconds": s}, or {"failure": ...};
    either way with "outcomes": [line, column, "passed" | "skipped" | "failed", reason or failure]
    for each example run, in page order (a failure ends the run), and "positions": [line, column]
    of every example of the page (sitekit.verdicts reads both).

    `text` is padded with blank lines so that line numbers are those of the file.
    """
    started = time.perf_counter()
    doc = parse_text(text, path)
    index_of_end = {example.region.end: index for index, example in enumerate(doc)}
    positions = [[example.line, example.column] for example in doc]  # every example's, run or not
    outcomes: list[list] = []
    with _as_in_a_fresh_python(), collector.during_a_page_run():
        for example, failure in run_page(doc):
            skipped = doc.skipped.get(example)
            outcome = "failed" if failure else "skipped" if skipped is not None else "passed"
            outcomes.append([example.line, example.column, outcome, failure or skipped or ""])
            if failure:
                return {"failure": f"line {example.line}: a block failed:\n{failure}", "outcomes": outcomes,
                        "positions": positions}
    return {"displays": {str(index_of_end[end]): svg for end, svg in doc.displays.items()},
            "blocks": len(outcomes), "seconds": time.perf_counter() - started, "outcomes": outcomes,
            "positions": positions}


#: Where the build leaves its runs' outcomes for the test run (sitekit.verdicts): a folder, one
#: file per page.
REPORT = "SITEKIT_RUN_REPORT"


def record(path: str, key: str, result: dict) -> None:
    """Leave `result`'s outcomes for the page at `path` in the report folder, if the build has one."""
    folder = os.environ.get(REPORT)
    if not folder or "outcomes" not in result:
        return
    entry = {"page": str(Path(path).resolve()), "key": key, "positions": result["positions"],
             "outcomes": result["outcomes"]}
    name = Path(folder) / f"{hashlib.sha256(entry['page'].encode()).hexdigest()[:16]}.json"
    partial = name.with_suffix(".partial")
    partial.write_text(json.dumps(entry), encoding="utf-8")
    os.replace(partial, name)


#: A fresh CPython's recursion limit, what a reader running the page has. The build's own plugins
#: may raise it (mkdocstrings sets at least 2000), which would change what a page's deep
#: recursion does (a page run in the build's own process, or a worker forked from it).
READER_RECURSION_LIMIT = 1000


@contextlib.contextmanager
def _as_in_a_fresh_python() -> Iterator[None]:
    saved = sys.getrecursionlimit()
    sys.setrecursionlimit(READER_RECURSION_LIMIT)
    try:
        yield
    finally:
        sys.setrecursionlimit(saved)


def _context() -> multiprocessing.context.BaseContext:
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(_PRELOAD)
        return context
    return multiprocessing.get_context("spawn")


def _run_into(text: str, path: str, result_file: str) -> None:
    """A page process's whole work: run the page and leave the result in `result_file`."""
    result = json.dumps(run(text, path))
    partial = f"{result_file}.partial"
    with open(partial, "w", encoding="utf-8") as out:
        out.write(result)
    os.replace(partial, result_file)  # whole or not at all


class Runner:
    """Page runs under way, by page path: each in a process of its own, one per core at a time
    (a thread per core starts a page's process and waits for it)."""

    def __init__(self) -> None:
        self._threads: ThreadPoolExecutor | None = None
        self._folder: str | None = None
        self._runs: dict[str, tuple[str, Future]] = {}
        self._numbers = itertools.count()  # names each run's result file: `_runs` shrinks as results are taken
        self._running: set[multiprocessing.process.BaseProcess] = set()
        self._lock = threading.Lock()
        self._closing = False

    def start(self, path: str, text: str) -> None:
        if self._threads is None:
            self._threads = ThreadPoolExecutor(max(1, min(os.cpu_count() or 1, 4)), thread_name_prefix="page run")
            self._folder = tempfile.mkdtemp(prefix="sitekit-runs-")
        # A page's process takes this process's sys.path, and must import this `sitekit` (mkdocs
        # puts the config's folder on sys.path only while it loads the hook).
        if str(ROOT) not in sys.path:
            sys.path.append(str(ROOT))
        self._runs[path] = (text, self._threads.submit(self._run_in_a_process, text, path, next(self._numbers)))

    def _run_in_a_process(self, text: str, path: str, number: int) -> dict:
        result_file = os.path.join(self._folder, f"{number}.json")
        process = _context().Process(target=_run_into, args=(text, path, result_file), name=f"page run {path}",
                                     daemon=True)
        with self._lock:
            if self._closing:
                return {"failure": "the build stopped before this page ran"}
            process.start()
            self._running.add(process)
        process.join()
        with self._lock:
            self._running.discard(process)
        try:
            with open(result_file, encoding="utf-8") as result:
                return json.load(result)
        except OSError:
            return {"failure": f"its run ended without a result (exit code {process.exitcode})"}

    def result(self, path: str, text: str) -> dict | None:
        """The run started for `path`, if it was started with this very `text`."""
        started = self._runs.pop(path, None)
        if started is None or started[0] != text:
            return None
        return started[1].result()

    def close(self) -> None:
        """Stop every run: those not started are dropped, those under way ended (a build
        closes its runner once it has every result it wants, or when it fails)."""
        if self._threads is not None:
            with self._lock:
                self._closing = True
                for process in self._running:
                    process.terminate()
            self._threads.shutdown(wait=True, cancel_futures=True)
            shutil.rmtree(self._folder, ignore_errors=True)
        self._threads = self._folder = None
        self._closing = False
        self._runs.clear()
