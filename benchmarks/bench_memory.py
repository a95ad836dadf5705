"""Peak memory of a backward pass over a chain of a million operations, in bytes per operation.

Run by hand (it is not a test), from the repository's root:

    python benchmarks/bench_memory.py [--operations 1000000]

Two chains, each built and then differentiated with `backward()` under `tracemalloc`, whose peak
counts every byte Python allocated for them (the graph itself, then what the backward pass adds:
its walk and the gradients), divided by the number of operations:

- `y = y + 1.0`: each operation makes a node and a constant leaf (issue 10's example);
- `y = y * x`: each operation makes one node, all sharing the leaf x.

The same for benchmarks/baseline_engine.py (built as the chapters build their engine) would
need a recursion limit of a million for its recursive backward, so it is measured on a chain a
hundred times shorter. Results go to benchmarks/results/memory.json.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tracemalloc
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import baseline_engine  # noqa: E402
import results  # noqa: E402

from micrograd import Value  # noqa: E402


def peak_bytes_per_operation(V: Any, n: int, kind: str) -> dict[str, float]:
    """Bytes per operation: the graph alone, and the peak while `backward()` runs over it."""
    gc.collect()
    tracemalloc.start()
    try:
        x = V(1.0)
        y = x
        for _ in range(n):
            y = y + 1.0 if kind == "y + 1.0" else y * x
        graph = tracemalloc.get_traced_memory()[0]
        y.backward()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return {"graph": graph / n, "peak": peak / n}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--operations", type=int, default=1_000_000)
    args = parser.parse_args()
    n = args.operations
    numbers: dict[str, Any] = {"operations": n, "unit": "bytes per operation (tracemalloc)"}
    for kind in ("y + 1.0", "y * x"):
        numbers[f"micrograd, {kind}"] = peak_bytes_per_operation(Value, n, kind)
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 3 * (n // 100) + 1000))
        try:
            numbers[f"baseline, {kind}, {n // 100} operations"] = peak_bytes_per_operation(
                baseline_engine.Value, n // 100, kind)
        finally:
            sys.setrecursionlimit(limit)
    path = results.write("memory", numbers)
    for name, value in numbers.items():
        if isinstance(value, dict):
            print(f"{name:>40}: graph {value['graph']:6.0f}, "
                  f"peak during backward {value['peak']:6.0f} B/operation")
    print(f"written to {path.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
