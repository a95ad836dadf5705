"""How the book's own page runs set Python's cyclic garbage collector.

The build's page workers and the test run's pages (Sybil) run each page with
`fewer_full_collections()`: CPython's thresholds, (700, 10, 10), but for the last, so that
a full collection comes after 100 collections of the middle generation instead of 10.

Why: a training step keeps tens of thousands of new Values alive until it ends, and
CPython 3.11 then makes about one full collection per step, each looking at every live
node. For chapter 13 that was 40% of the page's run, and none of those collections frees
anything (chapter 16 counts them; benchmarks/bench_collector.py measures them).

Only speed changes. The first threshold stays 700: every collection starts when the
youngest generation passes it, so a page that counts collections counts the same number,
and only which generation each one looks at changes. A page whose output depended on when
the collector runs would fail either here or in the reader test (tests/sitekit/test_reader.py),
which runs every page in a fresh Python with the defaults; so would the notebooks, which run
in Jupyter kernels with the defaults.
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
    start()
    try:
        yield
    finally:
        end()
