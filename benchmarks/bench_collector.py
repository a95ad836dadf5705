"""How much of an eager training step is the garbage collector, by what else the process holds.

    .venv/bin/python benchmarks/bench_collector.py [--steps 20]

A full collection scans every tracked object in the process, not only the graph being built, so
the same chapter-13 step costs more in an interpreter that has imported numpy, matplotlib, pytest
and sitekit (as the book's test and build processes have) than in the bare process bench_step.py
measures in. Each case runs in its own fresh interpreter: bare; with those imports; with those
imports and then `gc.freeze()` (which moves every object alive so far out of the collector's
sight); with those imports and the thresholds the book's own page runs set (sitekit.collector:
a full collection ten times less often). It prints and records (results/collector.json) ms per
step, ms of it in the collector, and the collections of each generation.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks import results  # noqa: E402

# One case, run in a child interpreter: prints a JSON line.
CASE = """
import gc, json, random, sys, time
if {imports}:
    import matplotlib; matplotlib.use("Agg")
    import matplotlib.pyplot, numpy, pytest, sybil, sitekit.blocks
if {freeze}:
    gc.freeze()
if {thresholds}:
    import sitekit.collector
    sitekit.collector.start()
from micrograd import MLP
from micrograd.data import make_moons
X, y = make_moons(n_samples=100, noise=0.1, seed=0)
points, labels = X.tolist(), y.tolist()
random.seed(1337)
model = MLP(2, [16, 16, 1])
tracked = len(gc.get_objects())
spent, started, counts = [0.0], [0.0], [0, 0, 0]
def watch(phase, info):
    if phase == "start":
        started[0] = time.perf_counter()
    else:
        spent[0] += time.perf_counter() - started[0]
        counts[info["generation"]] += 1
gc.callbacks.append(watch)
begin = time.perf_counter()
for k in range({steps}):  # chapter 13's step: loss, zero_grad, backward, SGD
    scores = [model(p) for p in points]
    hinge = [(1 - label * s).relu() for label, s in zip(labels, scores)]
    loss = sum(hinge) * (1.0 / len(hinge)) + 1e-4 * sum(p * p for p in model.parameters())
    model.zero_grad()
    loss.backward()
    for p in model.parameters():
        p.data -= (1.0 - 0.9 * k / 100) * p.grad
total = time.perf_counter() - begin
print(json.dumps({{"tracked_before": tracked, "ms_per_step": 1000 * total / {steps},
                  "collector_ms_per_step": 1000 * spent[0] / {steps}, "collections": counts}}))
"""

CASES = {
    "bare": dict(imports=False, freeze=False, thresholds=False),
    "with the test process's imports": dict(imports=True, freeze=False, thresholds=False),
    "with those imports, then gc.freeze()": dict(imports=True, freeze=True, thresholds=False),
    "with those imports and the book's thresholds": dict(imports=True, freeze=False, thresholds=True),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=20)
    steps = parser.parse_args().steps
    numbers: dict[str, object] = {"steps": steps, "timer": "wall clock of the whole loop (perf_counter)"}
    for name, case in CASES.items():
        print(f"{name} ...", flush=True)
        out = subprocess.run([sys.executable, "-c", CASE.format(steps=steps, **case)], cwd=ROOT,
                             env={"PYTHONPATH": str(ROOT)}, capture_output=True, text=True, check=True)
        numbers[name] = row = json.loads(out.stdout.splitlines()[-1])
        print(f"  {row['ms_per_step']:7.1f} ms/step, {row['collector_ms_per_step']:6.1f} in the collector;"
              f" collections by generation {row['collections']}; tracked before: {row['tracked_before']}")
    print(f"written to {results.write('collector', numbers).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
