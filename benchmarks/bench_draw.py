"""Time draw_dot's layout on sparse chains and dense graphs, against the unbounded layout it replaced.

Run by hand (it is not a test):

    .venv/bin/python benchmarks/bench_draw.py [--baseline-timeout 30] [--no-baseline]

For each graph it prints its size (Values, the boxes Graphviz places, and
the "virtual" boxes dot adds where an edge crosses ranks), how draw_dot lays
it out (exact: Graphviz's defaults; bounded: dot with nslimit, nslimit1 and
mclimit; quick: draw_dot's own layered layout), and seconds: building the
graph in Python, and laying it out to SVG with graphviz-pure (wall clock and
the layout process's CPU time; on a busy machine the wall clock is longer).
The baseline is the same graph laid out as before the bounds (Graphviz's
defaults whatever the size), in the same run, stopped after the timeout.

Graphs: `chain n` is y = y * 1.01 + 1 repeated n times (each step a constant
leaf and two operations, so 4n + 1 Values); `dense n` is 50 leaves and
y = y + xs[i] * xs[j] for n pairs (i, j) in turn, so that every leaf is used
all along the sum, which is what makes dot slow; `mlp` is MLP(2, [16, 16, 1])
on one point, and its hinge loss on three points.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import resource
import subprocess
import sys
import time
import warnings

from micrograd import MLP, Value, draw_dot
from micrograd import graph


def chain(n: int) -> Value:
    y = Value(1.0, label="y")
    for _ in range(n):
        y = y * 1.01 + 1
    return y


def dense(steps: int, leaves: int = 50) -> Value:
    xs = [Value(float(i), label=f"x{i}") for i in range(leaves)]
    pairs = [(i, j) for i in range(leaves) for j in range(i + 1, leaves)]
    y = Value(0.0, label="y")
    for k in range(steps):
        i, j = pairs[k % len(pairs)]
        y = y + xs[i] * xs[j]
    return y


def mlp(points: int) -> Value:
    random.seed(1337)
    model = MLP(2, [16, 16, 1])
    scores = [model([0.1 * i, -0.2 * i]) for i in range(points)]
    return scores[0] if points == 1 else sum((1 - s).relu() for s in scores)  # type: ignore[union-attr, operator]


CASES = [(f"chain {n}", lambda n=n: chain(n)) for n in (100, 250, 500, 1000)]
CASES += [(f"dense {n}", lambda n=n: dense(n)) for n in (30, 60, 130, 250, 475, 1650)]
CASES += [("mlp 1 point", lambda: mlp(1)), ("mlp loss 3 points", lambda: mlp(3))]


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def size(root: Value) -> tuple[int, int, int]:
    """Values, boxes and (an upper bound on) dot's virtual boxes, as draw_dot counts them."""
    nodes, edges = graph.trace(root)
    order, _, _, virtual = graph._ranked_boxes(nodes, edges, {id(n): f"n{i}" for i, n in enumerate(nodes)})
    return len(nodes), len(order), virtual


def baseline_seconds(root: Value, timeout: float) -> str:
    """Wall seconds of the layout with Graphviz's defaults whatever the size (draw_dot before the bounds)."""
    real = graph._fit_layout
    graph._fit_layout = lambda *args: None  # type: ignore[assignment]
    try:
        source = draw_dot(root).source.encode()
    finally:
        graph._fit_layout = real  # type: ignore[assignment]
    start = time.perf_counter()
    try:
        subprocess.run([graph.find_graphviz_pure(), "-Tsvg"], input=source, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return f">{timeout:.0f}"
    return f"{time.perf_counter() - start:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline-timeout", type=float, default=30.0, help="seconds (default 30)")
    parser.add_argument("--no-baseline", action="store_true", help="skip the unbounded layout")
    args = parser.parse_args()
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"# {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs, load {load}")
    print(f"{'graph':18} {'values':>6} {'boxes':>6} {'virtual':>8} {'layout':>7} {'build s':>8} "
          f"{'svg s':>7} {'svg cpu':>7} {'before s':>9}")
    for name, make in CASES:
        root = make()
        values, boxes, virtual = size(root)
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", graph.LargeGraphWarning)
            try:
                dot = draw_dot(root)
            except ValueError:
                print(f"{name:18} {values:6} {boxes:6} {virtual:8} {'refused':>7}")
                continue
        built = time.perf_counter() - start
        mode = "quick" if "layout" in dot.graph_attr else "bounded" if "nslimit" in dot.graph_attr else "exact"
        cpu = children_cpu()
        start = time.perf_counter()
        dot.pipe("svg")
        laid_out, cpu = time.perf_counter() - start, children_cpu() - cpu
        before = "-" if args.no_baseline or mode == "exact" else baseline_seconds(root, args.baseline_timeout)
        print(f"{name:18} {values:6} {boxes:6} {virtual:8} {mode:>7} {built:8.2f} {laid_out:7.2f} {cpu:7.2f} "
              f"{before:>9}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
