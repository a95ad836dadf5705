"""Time chapter 13's training step: the tape and the eager engine against reference engines.

Run by hand (it is not a test), from the repository's root:

    python benchmarks/bench_step.py --fetch        # also Karpathy's micrograd 0.1.0 from PyPI
    python benchmarks/bench_step.py PATH           # ... from a wheel or folder you downloaded:
                                                   # pip download micrograd==0.1.0 --no-deps -d PATH
    python benchmarks/bench_step.py                # only benchmarks/baseline_engine.py

A step is what chapter 13 does: forward `MLP(2, [16, 16, 1])` on 100 two-moons points, the SVM
max-margin loss mean(relu(1 - y_i * score_i)) plus 1e-4 * sum(p * p), zero_grad, backward, and
the SGD update p.data -= lr * p.grad. Engines timed:

- `micrograd-0.1.0`: the original, as published on PyPI (with PATH or --fetch; never committed);
- `baseline`: benchmarks/baseline_engine.py, an engine built the way the chapters build theirs;
- `eager`: this package, building the graph at every step as the chapter does;
- `tape`: this package's `Tape`, recording the graph once and replaying it at every step.

Each engine runs in a process of its own (the original and this package are both called
`micrograd`), started from the same seed, so from the same weights. The steps are interleaved:
every engine does step k before any does step k + 1, in an order that rotates, so that a busy
machine slows them all alike. The garbage collector is treated alike too: each worker freezes
what it built while setting up (`gc.freeze()`, so no collection scans the interpreter's own
objects), keeps Python's default thresholds while it steps, and ends each timed step with
`gc.collect()`, so that each engine pays in its own step for collecting its own garbage. A
second pass with the collector switched off shows how much of each engine's time is the
collector's. Times are each worker's CPU time (`time.process_time`), which a machine shared with
other work disturbs less than the wall clock; the wall-clock medians are recorded too.

Results go to benchmarks/results/step.json when micrograd 0.1.0 took part, else
step-baseline.json. Every ratio is this package's median step time over the reference's: below 1
is faster. The script also checks that eager and tape losses are equal, bit for bit, at every
step, and that eager's are within 1e-12 of the original's.
"""

from __future__ import annotations

import argparse
import gc
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
SEED = 1337
ALPHA = 1e-4


# --- what a worker process does ------------------------------------------------------------------


def total_loss(model: Any, X: list[list[float]], y: list[int]) -> Any:
    """SVM max-margin data loss plus L2 regularisation, as a graph node (chapter 13's loss)."""
    scores = [model(row) for row in X]
    losses = [(1 - yi * si).relu() for yi, si in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = ALPHA * sum(p * p for p in model.parameters())
    return data_loss + reg_loss


def sgd(model: Any, lr: float) -> None:
    for p in model.parameters():
        p.data -= lr * p.grad


def make_step(engine: str, reference: str | None, X: list[list[float]], y: list[int]) -> tuple[Callable, Any]:
    """The step function of `engine` (it takes the learning rate, returns the loss) and its model."""
    if engine == "micrograd-0.1.0":
        sys.path.insert(0, reference)  # type: ignore[arg-type]
        import micrograd  # the original, from the wheel or folder given

        where = Path(reference).resolve()  # type: ignore[arg-type]
        if not Path(micrograd.__file__).resolve().is_relative_to(where):
            raise SystemExit(f"expected micrograd 0.1.0 from {reference}, imported {micrograd.__file__}")
        from micrograd import nn
    elif engine == "baseline":
        import baseline_engine as nn  # type: ignore[no-redef]
    else:
        sys.path.insert(0, str(HERE.parent))  # this package, from the repository
        from micrograd import nn  # type: ignore[no-redef]
    random.seed(SEED)
    model = nn.MLP(2, [16, 16, 1])

    def eager(lr: float) -> float:
        loss = total_loss(model, X, y)
        model.zero_grad()
        loss.backward()
        sgd(model, lr)
        return loss.data

    if engine != "tape":
        return eager, model
    from micrograd import Tape

    started = time.process_time()
    tape = Tape(total_loss(model, X, y))
    model.record_seconds = time.process_time() - started

    def replay(lr: float) -> float:
        loss = tape.forward()
        model.zero_grad()
        tape.backward()
        sgd(model, lr)
        return loss

    return replay, model


def worker(engine: str, reference: str | None) -> None:
    """Answer the parent's commands, one JSON line each, on stdin and stdout."""
    setup = json.loads(sys.stdin.readline())
    step, model = make_step(engine, reference, setup["X"], setup["y"])
    gc.collect()
    gc.freeze()  # what setting up built is no work for any collection from now on
    reply = {"record_seconds": getattr(model, "record_seconds", None)}
    print(json.dumps(reply), flush=True)
    for line in sys.stdin:
        command = json.loads(line)
        if command["do"] == "step":
            gc.enable() if command["gc"] else gc.disable()
            wall, cpu = time.perf_counter(), time.process_time()
            loss = step(command["lr"])
            if command["gc"]:
                gc.collect()  # this step's garbage, collected inside its own time
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            gc.enable()
            print(json.dumps({"cpu": cpu, "wall": wall, "loss": loss}), flush=True)
        elif command["do"] == "parameters":
            print(json.dumps([p.data for p in model.parameters()]), flush=True)
        else:
            return


# --- the parent ----------------------------------------------------------------------------------


class Worker:
    def __init__(self, engine: str, reference: str | None, X: list[list[float]], y: list[int]) -> None:
        command = [sys.executable, str(Path(__file__).resolve()), "--worker", engine]
        if reference:
            command.append(reference)
        self.engine = engine
        pipe = subprocess.PIPE
        self.process = subprocess.Popen(command, stdin=pipe, stdout=pipe, text=True, cwd=HERE)
        self.setup = self.ask({"X": X, "y": y})

    def ask(self, command: dict[str, Any]) -> Any:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps(command) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit(f"the {self.engine} worker stopped (see its error above)")
        return json.loads(line)

    def close(self) -> None:
        assert self.process.stdin
        self.process.stdin.write(json.dumps({"do": "quit"}) + "\n")
        self.process.stdin.close()
        self.process.wait()


def find_reference(path: str) -> str:
    """A path that `sys.path` can import micrograd 0.1.0 from: a wheel, or a folder with one."""
    p = Path(path)
    if p.is_dir() and not (p / "micrograd").is_dir():
        wheels = sorted(p.glob("micrograd-0.1.0-*.whl"))
        if not wheels:
            raise SystemExit(f"no micrograd-0.1.0 wheel or micrograd/ package in {p}")
        p = wheels[0]
    if not p.exists():
        raise SystemExit(f"{p} does not exist")
    return str(p.resolve())


def run(engines: list[str], reference: str | None, steps: int, steps_without_gc: int) -> dict[str, Any]:
    sys.path.insert(0, str(HERE.parent))
    from micrograd.data import make_moons

    X_np, y_np = make_moons(n_samples=100, noise=0.1, seed=0)
    X, y = X_np.tolist(), y_np.tolist()
    workers = {name: Worker(name, reference, X, y) for name in engines}
    try:
        times: dict[str, dict[str, list[float]]] = {n: {"cpu": [], "wall": [], "cpu_no_gc": []}
                                                    for n in engines}
        losses: dict[str, list[float]] = {n: [] for n in engines}
        for k in range(steps + steps_without_gc):
            collect = k < steps
            lr = 1.0 - 0.9 * k / 100
            turn = engines[k % len(engines):] + engines[: k % len(engines)]
            for name in turn:
                answer = workers[name].ask({"do": "step", "lr": lr, "gc": collect})
                times[name]["cpu" if collect else "cpu_no_gc"].append(answer["cpu"])
                if collect:
                    times[name]["wall"].append(answer["wall"])
                losses[name].append(answer["loss"])
            kind = "cpu" if collect else "cpu_no_gc"
            done = ", ".join(f"{n} {1e3 * times[n][kind][-1]:.1f} ms" for n in turn)
            print(f"step {k + 1}/{steps + steps_without_gc}{'' if collect else ' (collector off)'}: {done}",
                  file=sys.stderr, flush=True)
        parameters = {n: workers[n].ask({"do": "parameters"}) for n in engines}
        record = workers["tape"].setup["record_seconds"] if "tape" in workers else None
    finally:
        for w in workers.values():
            w.close()

    ms = {n: {kind: 1e3 * statistics.median(t) for kind, t in times[n].items()} for n in engines}
    ratios = {}
    for ours in ("eager", "tape"):
        for ref in ("micrograd-0.1.0", "baseline"):
            if ours in ms and ref in ms:
                ratios[f"{ours}/{ref}"] = ms[ours]["cpu"] / ms[ref]["cpu"]
                ratios[f"{ours}/{ref} without the collector"] = ms[ours]["cpu_no_gc"] / ms[ref]["cpu_no_gc"]
    checks: dict[str, Any] = {}
    if "eager" in losses and "tape" in losses:
        checks["tape losses equal eager's, bit for bit"] = losses["tape"] == losses["eager"]
        checks["tape parameters equal eager's, bit for bit"] = parameters["tape"] == parameters["eager"]
    for ref in ("micrograd-0.1.0", "baseline"):
        if ref in losses and "eager" in losses:
            checks[f"largest loss difference, eager vs {ref}"] = max(
                abs(a - b) for a, b in zip(losses["eager"], losses[ref]))
    return {
        "steps": steps,
        "steps_without_collector": steps_without_gc,
        "timer": "median CPU time of a step in each engine's own process (time.process_time)",
        "ms_per_step": ms,
        "ratios": ratios,
        "tape_record_ms": None if record is None else 1e3 * record,
        "first_loss": losses[engines[0]][0],
        "checks": checks,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("reference", nargs="?", help="micrograd 0.1.0: a wheel, or a folder holding one")
    parser.add_argument("--fetch", action="store_true", help="pip download micrograd 0.1.0 first")
    parser.add_argument("--steps", type=int, default=20, help="timed steps per engine (default 20)")
    parser.add_argument("--steps-without-collector", type=int, default=5, help="then, with gc off (default 5)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker, args.reference)

    with tempfile.TemporaryDirectory() as folder:
        reference = args.reference
        if args.fetch:
            pip = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "-d", folder]
            pip.append("micrograd==0.1.0")
            subprocess.run(pip, check=True)
            reference = folder
        reference = find_reference(reference) if reference else None
        engines = (["micrograd-0.1.0"] if reference else []) + ["baseline", "eager", "tape"]
        numbers = run(engines, reference, args.steps, args.steps_without_collector)

    sys.path.insert(0, str(HERE))
    import results

    path = results.write("step" if reference else "step-baseline", numbers)
    for name, t in numbers["ms_per_step"].items():
        print(f"{name:>16}: {t['cpu']:8.2f} ms/step  ({t['cpu_no_gc']:.2f} with the collector off)")
    for name, ratio in numbers["ratios"].items():
        print(f"{name:>45}: {ratio:.4f}  ({1 / ratio:.1f}x faster)")
    print(f"recording the tape: {numbers['tape_record_ms']:.0f} ms")
    for check, result in numbers["checks"].items():
        print(f"{check}: {result}")
    print(f"written to {path.relative_to(HERE.parent)}")
    if not all(v is True or (type(v) is float and v <= 1e-12) for v in numbers["checks"].values()):
        raise SystemExit("a check failed: the engines do not compute the same numbers")


if __name__ == "__main__":
    main()
