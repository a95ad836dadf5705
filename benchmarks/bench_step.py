"""Time one full-batch training step of the shipped engine against the tutorial's design.

Run by hand (it is not a test):

    .venv/bin/python benchmarks/bench_step.py [--steps 20]

A step is what the two-moons chapter does: forward `MLP(2, [16, 16, 1])` on
100 points, SVM max-margin loss mean(relu(1 - y_i * score_i)) plus
1e-4 * sum(p * p) L2, zero_grad, backward, SGD update p.data -= lr * p.grad.
The two engines (micrograd and benchmarks/baseline_engine.py) start from the
same seed, so the same weights, and alternate step by step in one process.
Garbage-collector settings stay at Python's defaults; each timed step ends
with gc.collect(), so each engine pays for collecting its own garbage (the
baseline's graphs are reference cycles that only the collector frees);
--no-collect leaves collection entirely to Python.
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

import baseline_engine  # noqa: E402

from micrograd import nn  # noqa: E402
from micrograd.data import make_moons  # noqa: E402

SEED = 1337
ALPHA = 1e-4


def total_loss(model: Any, X: list[list[float]], y: list[int]) -> Any:
    """SVM max-margin data loss plus L2 regularisation, as a graph node."""
    scores = [model(row) for row in X]
    losses = [(1 - yi * si).relu() for yi, si in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = ALPHA * sum(p * p for p in model.parameters())
    return data_loss + reg_loss


def train_step(model: Any, X: list[list[float]], y: list[int], lr: float) -> float:
    """Forward, zero_grad, backward, SGD update; returns the loss before the update."""
    loss = total_loss(model, X, y)
    model.zero_grad()
    loss.backward()
    for p in model.parameters():
        p.data -= lr * p.grad
    return loss.data


def timed(fn: Callable[[], float], collect: bool) -> tuple[float, float]:
    """(seconds, result) of fn(), followed by a full collection if `collect`."""
    start = time.perf_counter()
    result = fn()
    if collect:
        gc.collect()
    return time.perf_counter() - start, result


def peak_memory(fn: Callable[[], object]) -> int:
    """Peak bytes allocated while fn() runs, its garbage collected included."""
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        gc.collect()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument(
        "--no-collect", action="store_true",
        help="skip the gc.collect() after each step: garbage one engine leaves may then be collected "
        "during the other engine's step",
    )
    parser.add_argument(
        "--only", choices=["shipped", "baseline"],
        help="time one engine alone (its garbage cannot land in the other's steps); prints its times only",
    )
    args = parser.parse_args()

    X_np, y_np = make_moons(n_samples=100, noise=0.1, seed=0)
    X = X_np.tolist()
    y = y_np.tolist()

    random.seed(SEED)
    shipped = nn.MLP(2, [16, 16, 1])
    random.seed(SEED)
    baseline = baseline_engine.MLP(2, [16, 16, 1])
    assert [p.data for p in shipped.parameters()] == [p.data for p in baseline.parameters()]

    times: dict[str, list[float]] = {"shipped": [], "baseline": []}
    losses: dict[str, list[float]] = {"shipped": [], "baseline": []}
    models = {"shipped": shipped, "baseline": baseline}
    names = [args.only] if args.only else ["baseline", "shipped"]
    for k in range(args.steps):
        lr = 1.0 - 0.9 * k / 100
        for name in names:
            model = models[name]
            seconds, loss = timed(lambda: train_step(model, X, y, lr), collect=not args.no_collect)
            times[name].append(seconds)
            losses[name].append(loss)

    if args.only:
        t = times[args.only]
        print(
            f"{args.only} alone, {'no ' if args.no_collect else ''}gc.collect() after each step: "
            f"median {statistics.median(t) * 1e3:.1f} ms/step "
            f"(min {min(t) * 1e3:.1f}, mean {statistics.fmean(t) * 1e3:.1f})"
        )
        return
    final = {name: total_loss(models[name], X, y).data for name in models}
    gc.collect()
    peaks = {name: peak_memory(lambda: train_step(models[name], X, y, 0.0)) for name in models}

    print(
        f"Python {sys.version.split()[0]}, gc thresholds {gc.get_threshold()}, {args.steps} steps each, "
        f"{'no gc.collect()' if args.no_collect else 'gc.collect()'} after each step"
    )
    for name in ("baseline", "shipped"):
        t = times[name]
        print(
            f"{name:>8}: median {statistics.median(t) * 1e3:8.1f} ms/step  "
            f"(min {min(t) * 1e3:.1f}, mean {statistics.fmean(t) * 1e3:.1f})  "
            f"peak {peaks[name] / 2**20:6.1f} MiB"
        )
    ratio = statistics.median(times["baseline"]) / statistics.median(times["shipped"])
    print(f"   ratio: shipped is {ratio:.2f}x faster per step (median)")
    print(f"loss after {args.steps} steps: baseline {final['baseline']!r}  shipped {final['shipped']!r}")
    pairs = zip(losses["baseline"] + [final["baseline"]], losses["shipped"] + [final["shipped"]])
    worst = max(abs(a - b) for a, b in pairs)
    verdict = "OK" if worst <= 1e-9 else "MISMATCH"
    print(f"largest loss difference over all steps: {worst:.3g} ({verdict} at 1e-9)")
    print(f"peak memory: shipped / baseline = {peaks['shipped'] / peaks['baseline']:.2f}")


if __name__ == "__main__":
    main()
