"""How long copy.deepcopy and pickle take on a graph of a million operations (two million nodes).

Run by hand (it is not a test), from the repository's root:

    python benchmarks/bench_copy.py [--operations 1000000]

The chain is issue 10's example, `y = y + 1` repeated, which used to raise RecursionError at a
depth of about 141 (deepcopy) and 248 (pickle). Times are CPU seconds; the size is the pickle's.
Results go to benchmarks/results/copy.json.
"""

from __future__ import annotations

import argparse
import copy
import pickle
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import results  # noqa: E402

from micrograd import Value  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--operations", type=int, default=1_000_000)
    n = parser.parse_args().operations
    y = Value(1.0)
    for _ in range(n):
        y = y + 1
    y.backward()
    seconds = {}
    start = time.process_time()
    copied = copy.deepcopy(y)
    seconds["deepcopy"] = time.process_time() - start
    start = time.process_time()
    data = pickle.dumps(y)
    seconds["pickle.dumps"] = time.process_time() - start
    start = time.process_time()
    loaded = pickle.loads(data)
    seconds["pickle.loads"] = time.process_time() - start
    assert copied.data == loaded.data == y.data == n + 1.0 and loaded.grad == copied.grad == 1.0
    nodes = 2 * n + 1
    numbers = {"operations": n, "nodes": nodes, "cpu_seconds": seconds,
               "pickle_bytes_per_node": len(data) / nodes}
    path = results.write("copy", numbers)
    for name, s in seconds.items():
        print(f"{name:>13}: {s:.2f} s  ({1e6 * s / (2 * n + 1):.2f} µs per node)")
    print(f"pickle size: {numbers['pickle_bytes_per_node']:.0f} bytes per node")
    print(f"written to {path.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
