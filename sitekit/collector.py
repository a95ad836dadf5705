"""How the book's own page runs set Python's cyclic garbage collector.

The build's page workers, the build's notebook kernels (sitekit/jupyter) and the test run's
pages (Sybil) run with THRESHOLDS: CPython's, (700, 10, 10), but for the last, so that a
full collection comes after 100 collections of the middle generation instead of 10. So does
the package test that replays chapter 13's whole training run (tests/micrograd/test_tape.py).

Why: a training step keeps tens of thousands of new Values alive until it ends, and
CPython 3.11 then makes a full collection in most steps (15 in 20 of chapter 13's), each
looking at every live node. That was 40% of chapter 13's run, and none of those collections
frees anything (chapter 16 counts them; benchmarks/bench_collector.py measures them).

Only speed changes. The first threshold stays 700: every collection starts when the
youngest generation passes it, so a page that counts collections counts the same number,
and only which generation each one looks at changes. A page whose output depended on when
the collector runs would fail either here or in the reader test (tests/sitekit/test_reader.py),
which runs every page in a fresh Python with the defaults, or in the chapter notebooks' test
(tests/sitekit/test_notebook.py), whose Jupyter kernels have the defaults too.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

THRESHOLDS = (700, 10, 100)
_saved: list[tuple[int, int, int]] = []


def start() -> None:
    """Set the book's thresholds until `end()` (see the module docstring)."""
    _saved.append(gc.get_threshold())
    gc.set_threshold(*THRESHOLDS)


def end() -> None:
    """Set again the thresholds that `start()` found."""
    gc.set_threshold(*_saved.pop())


@contextlib.contextmanager
def during_a_page_run() -> Iterator[None]:
    """The book's thresholds inside the `with` block, the caller's again after it."""
    start()
    try:
        yield
    finally:
        end()
