"""Running a page for the build: what a run depends on, and runs in worker processes.

- `run_key`: a page's run gives the same result (its pictures, or its failure) as long as
  its runnable content is the same: each block's source, the output the page shows for it,
  whether it is visible, which package it needs, in page order, and the fences the grammar
  rejects. The prose around the blocks does not change the run, so an edit of the prose
  re-uses it. Pictures are then placed by block index, not by character offset.
- `Runner`: every page that has to run starts at once in a pool of worker processes (one
  per core), each page in a process of its own that has run no other page: a fresh fork
  of a clean server process (forkserver; spawn where there is none), which has imported
  only third-party libraries, never the package or this machinery, so edits to either are
  picked up. The build collects each result when it reaches the page. (Python 3.10's
  pool cannot retire a worker after one task, so there a worker may run several pages
  one after the other, as the build in one process did before.) They run with the
  collector's thresholds of sitekit.collector, as the test run's pages do.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import multiprocessing
import os
import sys
import time
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

from sitekit import collector
from sitekit.blocks import Block, Page, parse_text, run_page

ROOT = Path(__file__).resolve().parents[1]
#: Imported once by the server process the workers fork from (never micrograd or sitekit). torch,
#: where installed, because five pages import it and it takes 3.3 CPU s to import each time
#: (one `import torch` here instead of five). A module that is not installed is left out.
_PRELOAD = ["sybil", "numpy", "graphviz", "matplotlib", "matplotlib.pyplot", "torch"]


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
    """Run the page: {"displays": {block index: svg}, "blocks": n, "seconds": s}, or {"failure": ...}.

    `text` is padded with blank lines so that line numbers are those of the file.
    """
    started = time.perf_counter()
    doc = parse_text(text, path)
    index_of_end = {example.region.end: index for index, example in enumerate(doc)}
    blocks = 0
    with _as_in_a_fresh_python(), collector.during_a_page_run():
        for example, failure in run_page(doc):
            blocks += 1
            if failure:
                return {"failure": f"line {example.line}: a block failed:\n{failure}"}
    return {"displays": {str(index_of_end[end]): svg for end, svg in doc.displays.items()},
            "blocks": blocks, "seconds": time.perf_counter() - started}


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


class Runner:
    """Page runs under way in worker processes, by page path."""

    def __init__(self) -> None:
        self._pool: ProcessPoolExecutor | None = None
        self._runs: dict[str, tuple[str, Future]] = {}

    def start(self, path: str, text: str) -> None:
        if self._pool is None:
            one_page_each = {"max_tasks_per_child": 1} if sys.version_info >= (3, 11) else {}
            self._pool = ProcessPoolExecutor(max(1, min(os.cpu_count() or 1, 4)), mp_context=_context(),
                                             **one_page_each)
        # A worker takes this process's sys.path, and must import this `sitekit` (mkdocs puts
        # the config's folder on sys.path only while it loads the hook).
        if str(ROOT) not in sys.path:
            sys.path.append(str(ROOT))
        self._runs[path] = (text, self._pool.submit(run, text, path))

    def result(self, path: str, text: str) -> dict | None:
        """The run started for `path`, if it was started with this very `text`."""
        started = self._runs.pop(path, None)
        if started is None or started[0] != text:
            return None
        return started[1].result()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool = None
        self._runs.clear()
