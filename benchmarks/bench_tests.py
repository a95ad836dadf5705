"""How long the whole test suite takes with a warm venv: `python3 dev.py test` and `--ci`.

    python3 benchmarks/bench_tests.py            # python3 dev.py test
    python3 benchmarks/bench_tests.py --ci       # python3 dev.py test --ci
    python3 benchmarks/bench_tests.py -- -k build   # extra arguments go to pytest

It first makes sure the venv is set up (untimed), then runs the suite once and
prints its wall time, the CPU seconds it used (a loaded machine inflates wall time,
not CPU time), and where the time went: the seconds per test file and phase
(setup, call, teardown; a session fixture such as the site build counts in the
setup of the first test using it) with the CPU seconds of each file's tests, the
slowest phases, and each pytest-xdist worker's span and busy seconds (the worker
whose last test ends last is the critical path). Under pytest-xdist the
per-file seconds add up to more than the wall time. Targets (issue 15, 2 cores):
at most 120 s wall for `dev.py test`, 180 s for `--ci`.

Results: benchmarks/results/tests.json (or tests-ci.json).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import ROOT, record, run_timed  # noqa: E402

TARGETS = {False: 120.0, True: 180.0}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ci", action="store_true", help="time `dev.py test --ci` (PyTorch installed, no skip)")
    parser.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    args = parser.parse_args()
    ci = ["--ci"] if args.ci else []

    # Warm the venv: installing is not what is measured.
    warm = run_timed([sys.executable, "dev.py", "test", *ci, "--collect-only", "-q"], echo=False)
    if warm.returncode != 0:
        print(warm.stdout, file=sys.stderr)
        return warm.returncode

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "phases.json"
        env = {**os.environ, "BENCH_SUITE_OUT": str(out), "PYTHONPATH": str(ROOT)}
        timed = run_timed([sys.executable, "dev.py", "test", *ci, "-p", "benchmarks.suite_plugin",
                           *args.pytest_args], env=env)
        phases = json.loads(out.read_text()) if out.exists() else {"files": {}, "slowest": []}

    target = TARGETS[args.ci]
    files = sorted(phases["files"].items(), key=lambda item: -item[1]["total"])
    print(f"\n{'dev.py test' + (' --ci' if args.ci else '')}: {timed.wall:.1f} s wall "
          f"(target {target:.0f} s), {timed.cpu:.1f} CPU s, exit code {timed.returncode}")
    if timed.machine_cpu is not None:
        cores = os.cpu_count() or 1
        print(f"the whole machine was busy {timed.machine_cpu:.1f} CPU s meanwhile, "
              f"{timed.machine_cpu / (timed.wall * cores):.0%} of its {cores} cores "
              f"(Chromium's renderers and the builds' page workers are counted only there)")
    print("seconds per test file (setup + call + teardown), and the CPU seconds they used:")
    for path, seconds in files:
        print(f"  {seconds['total']:7.1f}  {path}  (setup {seconds.get('setup', 0):.1f}, "
              f"call {seconds.get('call', 0):.1f}, teardown {seconds.get('teardown', 0):.1f}; "
              f"CPU {seconds.get('cpu', 0):.1f})")
    print("each worker: when its first test started and its last ended (from the first test), seconds busy:")
    for worker, span in phases.get("workers", {}).items():
        print(f"  {worker}: {span['first_test_at']:.1f} to {span['last_test_done_at']:.1f} s, "
              f"busy {span['busy_seconds']:.1f} s")
    print("slowest phases:")
    for entry in phases["slowest"][:12]:
        print(f"  {entry['seconds']:7.1f}  {entry['phase']:<8} {entry['test']}")
    record("tests-ci" if args.ci else "tests", {
        "command": "python3 dev.py test" + (" --ci" if args.ci else "") + "".join(f" {a}" for a in args.pytest_args),
        "wall_seconds": round(timed.wall, 1),
        "cpu_seconds": round(timed.cpu, 1),
        "machine_busy_cpu_seconds": None if timed.machine_cpu is None else round(timed.machine_cpu, 1),
        "target_wall_seconds": target,
        "exit_code": timed.returncode,
        "files": {path: {k: round(v, 2) for k, v in seconds.items()} for path, seconds in files},
        "slowest": phases["slowest"],
        "workers": phases.get("workers", {}),
    })
    return timed.returncode


if __name__ == "__main__":
    raise SystemExit(main())
